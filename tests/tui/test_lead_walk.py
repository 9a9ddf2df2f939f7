"""What a shift lead met walking a power outage and a system fault through the console in
zh-CN and English at 80x24 (each test failed before its fix): English words on a Chinese
screen, help and footer text cut in cells, a stale roster filter that logged the call on
the wrong person, the number to dial cut off the alarm strip, a plan not found by 停电."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console

from command_console.app import CommandConsoleApp
from command_console.core.clock import FakeClock
from command_console.core.incidents import CallOutcome, Status, StepState
from command_console.data import actions, queries
from command_console.i18n import set_language
from command_console.screens.alarms import call_order
from command_console.screens.new_incident import rank_plans
from command_console.screens.report import prefill_context
from tests.tui.conftest import START, make_workspace, screen_text, settle


@pytest.fixture
def zh(tmp_path):
    set_language("zh-CN")
    workspace = make_workspace(tmp_path / "data", FakeClock(START))
    yield workspace
    workspace.close()
    set_language("en")


def outage(workspace, minutes_ago: int = 7) -> str:
    """A power outage that started minutes ago: past 5 minutes, step 7 rings."""
    from datetime import timedelta

    return actions.open_incident(
        workspace.store,
        workspace.plan("power-outage"),
        title="三楼停电",
        started_at=workspace.clock.now() - timedelta(minutes=minutes_ago),
    )


def superior_step(screen):
    return next(s for s in screen.incident.steps if s.step_id == "phone-superior")


def notice(app) -> str:
    return app.screen.query_one("#notice").text


async def test_help_in_chinese_folds_long_descriptions_instead_of_cutting_them(zh):
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_table = app.screen.query_one("#help-table")
        console = Console(width=help_table.size.width, color_system=None, legacy_windows=False)
        lines = [
            "".join(seg.text for seg in line)
            for line in console.render_lines(app.screen.table(), pad=False)
        ]
    text = "\n".join(lines)
    assert "…" not in text, text  # '记录对所选联系人的 …' and '通讯录（获得 …' before
    assert "通讯录" in text and "已接通" in text


async def test_footer_shows_the_palette_key_in_chinese_when_a_box_has_focus(zh):
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the roster filter: no other key in the footer
        await settle(pilot)
        footer = app.screen.query_one("KeyFooter")
        line = footer.render()
        assert cell_len(line.plain) <= footer.size.width
        assert "^p" in line.plain and line.plain.rstrip().endswith("命令面板"), line.plain


async def test_a_logged_call_is_confirmed_in_chinese(zh):
    outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c", "enter", "2")
        await settle(pilot)
        said = notice(app)
    assert "无人接听" in said and "no answer" not in said, said


async def test_c_clears_an_old_filter_so_the_call_goes_to_the_first_contact(zh):
    outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first, second = call_order(superior_step(screen), screen.everyone)[:2]
        # earlier: the lead filtered for the second contact, then went back to the steps
        await pilot.press("c", *second.name.split()[0].lower(), "escape")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert screen.query_one("#roster-filter").value == ""
        await pilot.press("enter", "1")
        await settle(pilot)
        calls = queries.list_calls(zh.store)
    assert [c.contact_id for c in calls] == [first.id], (first.name, calls)


async def test_after_no_answer_the_strip_keeps_the_next_number_whole_at_80x24(zh):
    incident = outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first, second = call_order(superior_step(screen), screen.everyone)[:2]
        actions.log_call(
            zh.store, incident, first, first.phones[0], CallOutcome.NO_ANSWER, "superior"
        )
        app.store_changed()
        await settle(pilot)
        screen.tick()
        await pilot.pause()
        [line] = [row for row in screen_text(app).splitlines() if "⏰ " + incident in row]
    assert second.phones[0] in line, line  # '+86 10 5550 01…' before


async def test_reopen_and_edit_speak_chinese(zh):
    incident = outage(zh)
    step = actions.resolve_step(zh.store, incident, "1")
    actions.set_step(zh.store, incident, step, StepState.SKIPPED, note="误点")
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.steps.move_cursor(row=screen.steps.get_row_index(step))
        await settle(pilot)
        await pilot.press("u")
        await settle(pilot)
        asked = screen_text(app)
        await pilot.press("escape", "i", "4", "enter")
        await settle(pilot)
        await settle(pilot)
        said = notice(app)
    assert "已跳过" in asked and "skipped" not in asked
    assert "级别" in said and "severity" not in said, said


async def test_changing_plan_says_the_plan_and_a_closed_incident_in_chinese(zh):
    incident = outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p", *"system-failure", "enter", "enter")
        await settle(pilot)
        await settle(pilot)
        changed = notice(app)
        actions.set_status(zh.store, incident, Status.RESOLVED)
        app.store_changed()
        await settle(pilot)
        await pilot.press("o")  # resolved incidents shown
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        refused = notice(app)
    assert "应用程序/网络/系统故障" in changed and "system failure" not in changed, changed
    assert "已结束" in refused and "resolved" not in refused, refused


async def test_board_title_says_sync_off_in_chinese(zh):
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        await settle(pilot)
        text = screen_text(app)
    assert "同步：关闭" in text and "sync: off" not in text, text


@pytest.mark.parametrize(
    ("language", "asked"),
    [
        ("zh-CN", "仍有 1 个事件未结束，且有 1 个告警在响，确定退出？"),
        ("en", "Quit with 1 incident open and 1 alarm ringing?"),
    ],
)
async def test_quit_asks_one_whole_sentence(tmp_path, language, asked):
    set_language(language)
    workspace = make_workspace(tmp_path / "data", FakeClock(START))
    try:
        outage(workspace)
        app = CommandConsoleApp(workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            app.screen.tick()
            await pilot.press("q")
            await settle(pilot)
            text = screen_text(app)
        assert asked in text.replace("\n", "").replace("█", "").replace("  ", ""), text
    finally:
        workspace.close()
        set_language("en")


def test_the_plan_picker_finds_the_outage_by_ting_dian(zh):
    plans = zh.plans.sorted()
    assert [p.id for p in rank_plans(plans, "停电")][:1] == ["power-outage"]  # titled 断电
    assert [p.id for p in rank_plans(plans, "surge")][:1] == ["inbound-call-surge"]  # unchanged


async def test_n_ting_dian_enter_opens_a_power_outage(zh):
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n", *"停电", "enter")
        await settle(pilot)
        await settle(pilot)
        [incident] = queries.list_incidents(zh.store)
    assert incident.plan_id == "power-outage"


def test_report_measures_are_prefilled_in_the_order_they_happened(zh):
    incident = outage(zh)
    store = zh.store
    step = actions.resolve_step(store, incident, "7")
    first = next(c for c in queries.list_contacts(store) if "superior" in c.roles)
    zh.clock.advance(60)
    actions.log_call(store, incident, first, first.phones[0], CallOutcome.NO_ANSWER, "superior")
    zh.clock.advance(60)
    actions.set_step(store, incident, step, StepState.DONE)
    zh.clock.advance(60)
    actions.log(store, incident, "UPS 供电正常")
    context = prefill_context(
        zh, queries.get_incident(store, incident), queries.timeline(store, incident)
    )
    times = [line.split()[0] for line in context.measures]
    assert times == sorted(times) and len(times) == 3, context.measures


async def test_duties_say_what_p_and_enter_just_recorded(zh):
    incident = outage(zh, minutes_ago=20)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        listing = app.screen.query_one("#duties")
        listing.highlighted = next(
            n for n, o in enumerate(listing.options) if (o.id or "").startswith("upward:")
        )
        await pilot.press("p")
        await settle(pilot)
        told = str(app.screen.query_one("#error").render())
        listing.highlighted = next(
            n for n, o in enumerate(listing.options) if (o.id or "").startswith("routine:")
        )
        await pilot.press("enter")
        await settle(pilot)
        done = str(app.screen.query_one("#error").render())
    # the row leaves the list: before, nothing said what was recorded, or for which incident
    assert "已记录" in told and "电话" in told and incident in told, told
    assert "已记录" in done and "完成" in done, done


@pytest.mark.parametrize("size", [(70, 20), (80, 24)], ids=["compact", "80x24"])
async def test_the_step_line_keeps_the_number_to_dial_whole(zh, size):
    incident = outage(zh, minutes_ago=0)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        screen = app.screen
        step = next(s for s in screen.incident.steps if s.step_id == "phone-maintenance")
        screen.steps.move_cursor(row=screen.steps.get_row_index(step.step_id))
        await settle(pilot)
        first = call_order(step, screen.everyone)[0]
        lines = screen_text(app).splitlines()
        [shown] = [n for n, row in enumerate(lines) if row.startswith(" 1. ")]
        text = "".join(lines[shown : shown + (1 if size == (70, 20) else 2)])
    # compact (one line): '呼叫 Ma Jun 马骏 +86 10' before, the rest of the number cut off
    assert first.phones[0].replace(" ", "") in text.replace(" ", ""), (incident, text)


async def test_report_title_line_says_what_needs_attention_before_a_long_title(zh):
    from datetime import timedelta

    actions.open_incident(
        zh.store,
        zh.plan("power-outage"),
        title="三楼停电，UPS 为坐席供电，二楼空调同时停止运行",
        started_at=zh.clock.now() - timedelta(minutes=7),
    )
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await settle(pilot)
        top = screen_text(app).splitlines()[0]
    # before: '报告 · 1-tst 三楼停电，UPS 为坐席供电，二楼空调同时停止运行 · 状态 草稿 · 4'
    assert "4 项需要处理" in top and "草稿" in top and top.rstrip().endswith("…"), top


def test_an_alarm_with_nobody_to_call_starts_with_the_step(zh):
    from command_console.widgets.alarm_strip import alarm_line

    incident = actions.open_incident(zh.store, zh.plan("seat-equipment-failure"))
    actions.set_step(zh.store, incident, "move-to-spare-seat", StepState.DONE)
    zh.clock.advance(6 * 60)  # the agent is not logged in again 5 minutes after the switch
    found = queries.get_incident(zh.store, incident)
    step = next(s for s in found.steps if s.step_id == "agent-logged-in")
    line = alarm_line(found, step, queries.list_contacts(zh.store), [], zh.clock.now()).plain
    assert line.startswith(f" ⏰ {incident} +01:00  3. "), line  # was '+01:00   · 3. '


async def report_to_the_emergency_team_by_phone(app, pilot, incident: str) -> None:
    """On the duties screen (d): the incident's upward report to the emergency team, p (by phone)."""
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)
    listing = app.screen.query_one("#duties")
    listing.highlighted = next(
        n for n, o in enumerate(listing.options) if o.id == f"upward:{incident}:emergency-team"
    )
    await pilot.press("p")
    await settle(pilot)


async def test_p_on_the_duties_screen_logs_the_role_once_in_the_timeline(zh):
    incident = outage(zh, minutes_ago=20)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await report_to_the_emergency_team_by_phone(app, pilot, incident)
    [told] = [e.text for e in queries.timeline(zh.store, incident) if "告知" in e.text]
    # was '已于 ...Z 电话告知 应急处理领导小组 (应急处理领导小组)：首报 第 1 版'
    assert told.count("应急处理领导小组") == 1, told


def test_handover_marks_an_overdue_step_red_in_chinese(zh):
    from command_console.data import shift
    from command_console.screens.handover import summary_text

    outage(zh, minutes_ago=7)  # step 7 (5 minutes) is overdue
    text = summary_text(shift.summary(zh.store), zh.config.zone)
    red = [text.plain[s.start : s.end] for s in text.spans if s.style == "bold red"]
    assert any("已超时" in line for line in red), (red, text.plain)  # none was red in zh


async def test_after_no_answer_c_enter_1_logs_the_call_to_the_next_contact(zh):
    outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first, second = call_order(superior_step(screen), screen.everyone)[:2]
        await pilot.press("c", "enter", "2")  # the first contact does not answer
        await settle(pilot)
        strip = screen.query_one("#alarm-strip")._last
        assert f"呼叫 {second.name}" in strip, strip  # the strip says: call the second
        await pilot.press("escape", "c", "enter", "1")  # ...who answers
        await settle(pilot)
    calls = {(c.contact_id, c.outcome) for c in queries.list_calls(zh.store)}
    # was {(first, no answer), (first, reached)}: c put the cursor back on the first contact
    assert calls == {(first.id, CallOutcome.NO_ANSWER), (second.id, CallOutcome.REACHED)}, calls


async def test_an_upward_report_in_the_detail_timeline_shows_the_sites_local_time(zh):
    """Recorded with p on the duties screen at 14:20 in Shanghai (06:20 UTC): the detail's
    timeline said '已于 2026-11-22 06:20Z 电话告知 …' beside entries in local time."""
    incident = outage(zh, minutes_ago=20)
    zh.clock.advance(20 * 60)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await report_to_the_emergency_team_by_phone(app, pilot, incident)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = screen_text(app)
    assert "已于 14:20 电话告知" in shown, shown
    assert "06:20Z" not in shown, shown


async def test_p_on_the_duties_screen_names_the_role_once_in_the_exports_reported_line(zh):
    """The shift report's '已报内容' (Reported:) line repeated the role as the timeline did
    before a55f846: '电话告知应急处理领导小组 (应急处理领导小组)'."""
    from command_console.data import exports, shift

    incident = outage(zh, minutes_ago=20)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await report_to_the_emergency_team_by_phone(app, pilot, incident)
    now = zh.clock.now()
    record = exports.collect(
        zh.store, exports.site_of(zh.config), shift.shift_window(zh.store, now), now
    )
    for fmt in ("md", "html"):
        page = exports.render(record, fmt).decode("utf-8")
        [line] = [line for line in page.splitlines() if "电话告知" in line and "记录人" in line]
        assert line.count("应急处理领导小组") == 1, (fmt, line)


async def test_after_no_answer_y_in_the_steps_copies_the_number_the_strip_names(zh):
    outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first, second = call_order(superior_step(screen), screen.everyone)[:2]
        await pilot.press("y")  # nobody called yet: the first contact's number
        await settle(pilot)
        assert app.clipboard == first.phones[0]
        await pilot.press("c", "enter", "2", "escape")  # the first does not answer; to the steps
        await settle(pilot)
        assert screen.focused is screen.query_one("#steps")
        strip = screen.query_one("#alarm-strip")._last
        assert f"呼叫 {second.name} {second.phones[0]}" in strip, strip
        await pilot.press("y")
        await settle(pilot)
        assert app.clipboard == second.phones[0]  # was the first contact's, who did not answer
        assert second.phones[0] in notice(app)
        await pilot.press("c", "enter", "down", "y")  # in the roster: the row the lead chose
        await settle(pilot)
        chosen = screen.roster.table.selected
        assert chosen.phone != second.phones[0] and app.clipboard == chosen.phone


def step_line_rows(app) -> list[str]:
    line = app.screen.query_one("#step-line")
    rows = screen_text(app).splitlines()
    return rows[line.region.y : line.region.y + line.region.height]


async def test_y_copies_another_consoles_number_as_shown_without_control_characters(zh):
    """A number synced from another console is stored as it came (the door checks its type
    and length); what `y` puts on the clipboard is the number as shown, cleaned where it is
    read, never its escape sequences."""
    outage(zh)
    app = CommandConsoleApp(zh)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        first = call_order(superior_step(screen), screen.everyone)[0]
        raw = "\x1b]52;c;cm0gLXJmIH4=\x07+86 10 5555\x1b[2J 0101"
        payload = {**actions.contact_payload(first), "phones": [raw]}
        zh.store.append("contact.upsert", payload)  # stored as a merge stores a peer's op
        screen.load()
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
    assert app.clipboard == "+86 10 5555 0101", repr(app.clipboard)


async def test_at_80x24_cut_text_never_ends_in_a_separator_and_ambulance_stays(tmp_path):
    """English: the emergency line kept 120 and lost 'ambulance'; the step line (zh and
    English) ended in a dangling '·' or a silent cut where the note did not fit; the alarm
    strip's cut left a space or a colon before its '…'."""
    for language in ("en", "zh-CN"):
        set_language(language)
        workspace = make_workspace(tmp_path / language, FakeClock(START))
        outage(workspace)
        app = CommandConsoleApp(workspace)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            shown = screen_text(app)
            rows = step_line_rows(app)
        workspace.close()
        set_language("en")
        numbers = next(row for row in shown.splitlines() if "☎" in row)
        assert ("ambulance" if language == "en" else "急救") in numbers, numbers
        assert len(rows) == 2 and rows[-1].rstrip().endswith("…"), rows  # the note is cut
        assert not rows[-1].rstrip().rstrip("…").rstrip().endswith("·"), rows
        strip = shown.splitlines()[1].rstrip()  # was 'Outage of 5 min or …', '5分钟以上: …'
        assert "⏰" in strip and strip.endswith("…") and strip[-2] not in " :·", strip
