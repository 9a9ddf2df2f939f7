"""Issue #12: no local input, however wrong, destroys data, bricks a data dir or prints a
traceback. One test per finding, through the real CLI on real files."""

from __future__ import annotations

import json
import os
import stat

import pytest
from typer.testing import CliRunner

from command_console.cli import app

runner = CliRunner()


@pytest.fixture
def data(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def cli(data):
    def run(*args: str, data_dir=None):
        return runner.invoke(app, ["--data-dir", str(data_dir or data), *args])

    return run


def one_error_line(result, code: int = 2) -> str:
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output and "╭" not in result.output, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    return lines[0]


# -- exports never replace a file they did not create ------------------------------------


def test_export_into_the_database_is_refused_and_the_data_survives(cli, data, db_state):
    iid = cli("incident", "open", "power-outage").output.strip()
    db = data / "console.db"
    before = db_state(db)
    line = one_error_line(cli("export", "--out", str(db)))
    assert "inside the data dir" in line
    assert cli("export", "--out", str(db), "--force").exit_code == 2
    assert db_state(db) == before
    assert cli("incident", "show", iid).exit_code == 0


def test_export_refuses_an_existing_file_unless_forced(cli, tmp_path):
    cli("init")
    target = tmp_path / "mine.md"
    target.write_text("my notes")
    assert "--force" in one_error_line(cli("export", "--out", str(target)))
    assert target.read_text() == "my notes"
    assert cli("export", "--out", str(target), "--force").exit_code == 0
    assert target.read_text().startswith("# ")


def test_export_without_out_goes_to_the_reports_folder(cli, data):
    cli("init")
    result = cli("export", "-f", "json")
    assert result.exit_code == 0, result.output
    written = list((data / "reports").iterdir())
    assert [p.suffix for p in written] == [".json"] and str(written[0]) in result.output
    assert json.loads(written[0].read_text())
    assert cli("export", "-f", "md", "--out", "-").output.startswith("# ")


# -- settings are validated as a whole before anything is written -------------------------


def test_init_with_a_bad_zone_writes_nothing(cli, data):
    line = one_error_line(cli("init", "--time-zone", "Mars/Base"))
    assert "time_zone" in line and "Mars/Base" in line
    assert not data.exists()
    cli("init")
    config = (data / "config.toml").read_bytes()
    one_error_line(cli("init", "--time-zone", "Mars/Base"))
    assert (data / "config.toml").read_bytes() == config


@pytest.mark.parametrize(
    "find, replace, key",
    [
        ('fire = "119"', "fire = 119", "emergency_numbers.fire"),
        ("[keymap]", "[keymap]\nquick_log = 5", "keymap.quick_log"),
        ("alarm_repeat_s = 60", "alarm_repeat_s = 0", "alarm_repeat_s"),
        ("alarm_repeat_s = 60", "alarm_repeat_s = -5", "alarm_repeat_s"),
        ('time_zone = "UTC"', 'time_zone = "Mars/Base"', "time_zone"),
        ("alarm_repeat_s = 60", 'alarm_repeat_s = 60\nlanguage = "fr"', "language"),
        ("alarm_repeat_s = 60", 'alarm_repeat_s = 60\ncolour = "red"', "colour"),
    ],
)
def test_a_bad_config_value_is_one_line_naming_key_and_line(cli, data, find, replace, key):
    cli("init", "--time-zone", "UTC")
    config = data / "config.toml"
    text = config.read_text()
    assert find in text
    text = text.replace(find, replace, 1)
    config.write_text(text)
    line_no = text.splitlines().index(replace.splitlines()[-1]) + 1
    line = one_error_line(cli("incident", "list"))
    assert f"config.toml:{line_no}: {key}:" in line


def test_config_set_and_init_repair_a_bad_config_without_an_editor(cli, data):
    cli("init", "--time-zone", "UTC")
    config = data / "config.toml"
    config.write_text(config.read_text().replace('time_zone = "UTC"', 'time_zone = "Mars/Base"'))
    assert cli("incident", "list").exit_code == 2
    assert cli("init", "--time-zone", "Asia/Shanghai").exit_code == 0
    assert cli("incident", "list").exit_code == 0
    config.write_text(config.read_text().replace('fire = "119"', "fire = 119"))
    shown = cli("config", "show")
    assert shown.exit_code == 2 and "fire = 119" in shown.output
    assert (
        shown.output.strip().splitlines()[-1].startswith("error: ")
        and "emergency_numbers.fire" in shown.output
    )
    assert "alarm_repeat_s" in one_error_line(cli("config", "set", "alarm_repeat_s", "0"))
    assert cli("config", "set", "emergency_numbers.fire", "119").exit_code == 0
    assert cli("config", "set", "alarm_repeat_s", "30").exit_code == 0
    assert cli("config", "set", "language", "zh-CN").exit_code == 0
    shown = json.loads(cli("config", "show", "--json").output)
    assert (
        shown["alarm_repeat_s"] == 30
        and shown["emergency_numbers"]["fire"] == "119"
        and shown["language"] == "zh-CN"
    )
    assert cli("incident", "list").exit_code == 0


def test_a_binary_config_is_one_line(cli, data):
    cli("init")
    (data / "config.toml").write_bytes(b"\x00\xff\xfe binary \x89PNG")
    assert "config.toml" in one_error_line(cli("incident", "list"))


# -- a data dir only in an empty, missing or already marked folder -----------------------


def test_a_foreign_directory_is_refused_and_never_chmodded(cli, tmp_path):
    foreign = tmp_path / "home"
    foreign.mkdir()
    (foreign / "thesis.txt").write_text("years of work")
    os.chmod(foreign, 0o755)  # noqa: S103 - an ordinary home-like folder is what the test needs
    line = one_error_line(cli("incident", "list", data_dir=foreign), code=3)
    assert "not a Command Console data dir" in line
    assert stat.S_IMODE(foreign.stat().st_mode) == 0o755
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.txt"]
    one_error_line(cli("init", data_dir=foreign), code=3)
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.txt"]


def test_demo_sandbox_never_empties_a_foreign_directory(cli, tmp_path):
    foreign = tmp_path / "stuff"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("keep")
    one_error_line(cli("demo", "--sandbox", str(foreign)))
    assert (foreign / "keep.txt").read_text() == "keep"


def test_an_empty_or_marked_folder_is_used(cli, tmp_path, data):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("init", data_dir=empty).exit_code == 0
    assert (empty / ".command-console").exists()
    assert cli("incident", "list", data_dir=empty).exit_code == 0


# -- one line, never a traceback ---------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("export", "--since", "999999999h ago"),
        ("export", "--since", "9999-12-31T23:59-14:00"),
        ("incident", "set", "1", "started-at", "99999999999999999m ago"),
        ("incident", "open", "power", "--started-at", "0001-01-01T00:00+14:00"),
        ("report", "set", "1", "occurred_at", "99999-01-01"),
        ("incident", "list", "-x"),
    ],
)
def test_huge_times_and_stray_options_are_one_line(cli, args):
    cli("incident", "open", "power-outage")
    one_error_line(cli(*args))


def test_values_starting_with_a_dash_work(cli):
    iid = cli("incident", "open", "power-outage").output.strip()
    assert cli("incident", "set", iid, "started-at", "-1h").exit_code == 0
    assert cli("log", iid, "-1 generator failed").exit_code == 0
    assert "-1 generator failed" in cli("timeline", iid).output
    one_error_line(cli("step", iid, "-1", "done"))


def test_contacts_list_with_an_unknown_role_is_refused(cli):
    assert "unknown role 'nonrole'" in one_error_line(cli("contacts", "list", "--role", "nonrole"))


# -- one time parser ---------------------------------------------------------------------


def test_a_report_time_in_iso_8601_passes_report_check(cli):
    iid = cli("incident", "open", "system-failure").output.strip()
    assert cli("report", "set", iid, "occurred_at", "2026-11-22T09:30:00+08:00").exit_code == 0
    check = cli("report", "check", iid)
    assert "occurred_at" not in check.output, check.output


@pytest.mark.parametrize(
    "started", ["8 min ago", "2 hours ago", "3h ago", "8分钟前", "2小时前", "-1h"]
)
def test_every_relative_form_is_taken(cli, started):
    assert cli("incident", "open", "power-outage", "--started-at", started).exit_code == 0


# -- CLI and console agree -----------------------------------------------------------------


def test_export_shift_previous_works_like_the_export_screen(cli):
    cli("init")
    assert "no shift has ended" in one_error_line(cli("export", "--shift", "previous"))
    assert (
        cli(
            "handover", "--outgoing", cli("shifts", "--json") and _lead(cli), "--incoming", "Zhang"
        ).exit_code
        == 0
    )
    result = cli("export", "--shift", "previous", "--out", "-", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)


def _lead(cli) -> str:
    return json.loads(cli("shifts", "--json").output)[-1]["lead"]


def test_incident_open_finds_a_plan_by_its_chinese_title_or_suggests(cli):
    iid = cli("incident", "open", "断电").output.strip()
    assert json.loads(cli("incident", "show", iid, "--json").output)["plan_id"] == "power-outage"
    assert "power-outage" in one_error_line(cli("incident", "open", "断点"))
    assert "ambiguous" in one_error_line(cli("incident", "open", "故障"))


def test_report_check_reads_the_times_the_cli_takes(cli, data):
    """A time stored by another path (the console's form, a sync) in ISO 8601 with a zone passes too."""
    from command_console.core.report import parse_local_time

    for text in ("2026-11-22 14:05", "2026-11-22T09:30:00+08:00", "２０２６-１１-２２ １４：０５"):
        assert parse_local_time(text) is not None, text
    for text in ("yesterday", "14:05", "2026-11-22", "9999-99-99 99:99"):
        assert parse_local_time(text) is None, text


def test_contacts_import_refuses_what_is_not_a_regular_file(cli, tmp_path):
    fifo = tmp_path / "roster.csv"
    os.mkfifo(fifo)
    assert "not a regular file" in one_error_line(cli("contacts", "import", str(fifo)))
    assert "not a regular file" in one_error_line(cli("contacts", "import", "/dev/zero"))
    assert "not a regular file" in one_error_line(cli("contacts", "import", str(tmp_path)))


@pytest.mark.parametrize(
    "args, code",
    [
        (["--data-dir", "/dev/null", "incident", "list"], 3),
        (["--data-dir"], 2),
        (["--lang", "xx", "incident", "list"], 2),
        (["nosuch"], 2),
        (["incident", "list", "--al"], 2),
    ],
)
def test_bad_global_options_and_commands_are_one_line(data, args, code):
    result = runner.invoke(
        app, args if args[0] == "--data-dir" else ["--data-dir", str(data), *args]
    )
    one_error_line(result, code)
