"""Timeline entries the console writes itself ("Step done: ...", "Told ... by phone ..."),
shown in the chosen language (issue #13).

The fold stores these entries in English, the same on every console, so a rebuild from
the operations gives the same tables whatever language each console runs in. They are
translated where they are read: each known form is matched whole and rebuilt from a
translated template; English plan titles and step texts inside them are replaced by the
Chinese ones where the caller knows them (`names`). What the lead typed (a note) and any
text of a form this console does not know are shown as stored.

The fold writes the times inside an entry (when an upward report was made, when a
corrective action is due) in UTC, marked 'Z'. Given the site's zone they are shown in
local time, in every language, like the entry's own time: 'HH:MM' on the entry's own
local day, else 'YYYY-MM-DD HH:MM'.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, tzinfo

from command_console.core import labels
from command_console.core.contacts import role_label, told_role
from command_console.core.duties import DEFAULT_ROUTINES, version_label, via_label
from command_console.i18n import N_, _

FIELDS = {
    "Title": N_("Title"),
    "Severity": N_("Severity"),
    "Status": N_("Status"),
    "Started at": N_("Started at"),
}
FIXED = {
    "Opened as a DRILL (not a real incident)": N_("Opened as a DRILL (not a real incident)"),
    "Archived": N_("Archived"),
    "Taken out of the archive": N_("Taken out of the archive"),
    "Report marked complete": N_("Report marked complete"),
    "Report reopened as draft": N_("Report reopened as draft"),
}
STEP_VERBS = {
    "done": N_("Step done: {step}"),
    "skipped": N_("Step skipped: {step}"),
    "reopened": N_("Step reopened: {step}"),
}
ROUTINE_TITLES_ZH = {r.title: r.title_zh for r in DEFAULT_ROUTINES if r.title_zh}


def _with_note(text: str, note: str | None) -> str:
    return text + (f" — {note}" if note else "")


def local_stamp(stamp: str, zone: tzinfo | None, day: date | None = None) -> str:
    """A stored 'YYYY-MM-DD HH:MM' UTC time in the site's zone: 'HH:MM' on `day` (the
    entry's local day), else with its date; as stored, marked 'Z', when no zone is known."""
    if zone is None:
        return f"{stamp}Z"
    try:  # another console's entry may carry any digits there ('2026-99-99 99:99')
        instant = datetime.strptime(stamp, "%Y-%m-%d %H:%M").replace(tzinfo=UTC).astimezone(zone)
    except (ValueError, OverflowError):
        return f"{stamp}Z"
    return instant.strftime("%H:%M" if instant.date() == day else "%Y-%m-%d %H:%M")


class _Shown:
    """One entry's parts in the chosen language."""

    def __init__(
        self,
        language: str,
        names: dict[str, str],
        zone: tzinfo | None = None,
        day: date | None = None,
    ) -> None:
        self.language, self.names, self.zone, self.day = language, names, zone, day

    def stamp(self, stamp: str) -> str:
        return local_stamp(stamp, self.zone, self.day)

    def name(self, english: str) -> str:
        """A plan title or step text in the chosen language when the caller knows it."""
        return self.names.get(english, english) if self.language.startswith("zh") else english

    def opened(self, m: re.Match[str]) -> str:
        return _("Opened with plan {plan} ({severity}): {title}").format(
            plan=self.name(m["plan"]), severity=labels.severity(m["severity"]), title=m["title"]
        )

    def changed(self, m: re.Match[str]) -> str:
        old, new = m["old"], m["new"]
        if m["field"] == "Severity":
            old, new = labels.severity(old), labels.severity(new)
        elif m["field"] == "Status":
            old, new = labels.status(old), labels.status(new)
        field = FIELDS[m["field"]]
        return _("{field}: {old} -> {new}").format(field=_(field), old=old, new=new)

    def raised(self, m: re.Match[str]) -> str:
        steps = "; ".join(self.name(s) for s in m["steps"].split("; "))
        return _("Severity {severity}: plan steps added: {steps}").format(
            severity=labels.severity(m["severity"]), steps=steps
        )

    def call(self, m: re.Match[str]) -> str:
        text = _("Call {name} ({phone}): {outcome}")
        if m["role"]:
            text = _("Call {name} ({phone}) as {role}: {outcome}")
        return text.format(
            name=m["name"],
            phone=m["phone"],
            role=role_label(m["role"] or "", self.language),
            outcome=labels.call_outcome(m["outcome"]),
        )

    def step(self, m: re.Match[str]) -> str:
        template = STEP_VERBS[m["verb"]]
        return _with_note(_(template).format(step=self.name(m["step"])), m["note"])

    def acknowledged(self, m: re.Match[str]) -> str:
        return _("Alarm acknowledged: {step}").format(step=self.name(m["step"]))

    def shift_started(self, m: re.Match[str]) -> str:
        return _("Shift started, lead {lead}").format(lead=m["lead"])

    def handed_over(self, m: re.Match[str]) -> str:
        return _("Shift handed over to {lead}").format(lead=m["lead"])

    def told(self, m: re.Match[str]) -> str:
        role = told_role(m["to"], m["role"], self.language)
        return _("Told {to}{role} {via} at {at}: {version}").format(
            to=m["to"],
            role=role,
            via=via_label(m["via"]),
            at=self.stamp(m["at"]),
            version=version_label(m["version"], int(m["number"])),
        )

    def action_added(self, m: re.Match[str]) -> str:
        return _("Corrective action {id} for {owner}, due {due}: {text}").format(
            id=m["id"], owner=m["owner"], due=self.stamp(m["due"]), text=m["text"]
        )

    def action_closed(self, m: re.Match[str]) -> str:
        return _("Corrective action {id} closed: {text} — {note}").format(
            id=m["id"], text=m["text"], note=m["note"]
        )

    def plan_changed(self, m: re.Match[str]) -> str:
        return _(
            "Plan changed from {old} to {new} by {author}; steps of {old}: {done} done, "
            "{skipped} skipped, {open} not done; the steps of {new} count from now"
        ).format(
            old=self.name(m["old"]),
            new=self.name(m["new"]),
            author=m["author"],
            done=m["done"],
            skipped=m["skipped"],
            open=m["open"],
        )

    def cancelled(self, m: re.Match[str]) -> str:
        return _("Cancelled by {author} (was {status}): {reason}").format(
            author=m["author"], status=labels.status(m["status"]), reason=m["reason"]
        )

    def routine(self, m: re.Match[str]) -> str:
        title = m["title"]
        if self.language.startswith("zh"):
            title = ROUTINE_TITLES_ZH.get(title, title)
        return _with_note(_("Routine done: {title}").format(title=title), m["note"])


_FORMS: tuple[tuple[str, re.Pattern[str], Callable[[_Shown, re.Match[str]], str]], ...] = (
    (
        "status",
        re.compile(r"Opened with plan (?P<plan>.+) \((?P<severity>[a-z]+)\): (?P<title>.*)", re.S),
        _Shown.opened,
    ),
    (
        "status",
        re.compile(r"Severity (?P<severity>[a-z]+): plan steps added: (?P<steps>.*)", re.S),
        _Shown.raised,
    ),
    (
        "status",
        re.compile(
            r"(?P<field>Title|Severity|Status|Started at): (?P<old>.*) -> (?P<new>.*)", re.S
        ),
        _Shown.changed,
    ),
    (
        "call",
        re.compile(
            r"Call (?P<name>.*) \((?P<phone>[^()]*)\)(?: as (?P<role>[a-z0-9-]+))?: "
            r"(?P<outcome>reached|no answer|left message)",
            re.S,
        ),
        _Shown.call,
    ),
    (
        "step",
        re.compile(
            r"Step (?P<verb>done|skipped|reopened): (?P<step>.*?)(?: — (?P<note>.*))?", re.S
        ),
        _Shown.step,
    ),
    ("step", re.compile(r"Alarm acknowledged: (?P<step>.*)", re.S), _Shown.acknowledged),
    ("shift", re.compile(r"Shift started, lead (?P<lead>.*)", re.S), _Shown.shift_started),
    ("shift", re.compile(r"Shift handed over to (?P<lead>.*)", re.S), _Shown.handed_over),
    (
        "report",
        re.compile(
            r"Told (?P<to>.*?)(?: \((?P<role>[a-z0-9-]+)\))? (?P<via>phone|written|message) "
            r"at (?P<at>\d{4}-\d\d-\d\d \d\d:\d\d)Z: (?P<version>initial|followup|final) "
            r"report v(?P<number>\d+)",
            re.S,
        ),
        _Shown.told,
    ),
    (
        "report",
        re.compile(
            r"Corrective action (?P<id>\w+) for (?P<owner>.*?), due "
            r"(?P<due>\d{4}-\d\d-\d\d \d\d:\d\d)Z: (?P<text>.*)",
            re.S,
        ),
        _Shown.action_added,
    ),
    (
        "report",
        re.compile(r"Corrective action (?P<id>\w+) closed: (?P<text>.*) — (?P<note>.*)", re.S),
        _Shown.action_closed,
    ),
    (
        "shift",
        re.compile(r"Routine done: (?P<title>.*?)(?: — (?P<note>.*))?", re.S),
        _Shown.routine,
    ),
    (
        "status",
        re.compile(
            r"Plan changed from (?P<old>.*) to (?P<new>.*) by (?P<author>.*); steps of (?P=old): "
            r"(?P<done>\d+) done, (?P<skipped>\d+) skipped, (?P<open>\d+) not done; "
            r"the steps of (?P=new) count from now",
            re.S,
        ),
        _Shown.plan_changed,
    ),
    (
        "status",
        re.compile(r"Cancelled by (?P<author>.*) \(was (?P<status>[a-z]+)\): (?P<reason>.*)", re.S),
        _Shown.cancelled,
    ),
)


def entry_in(
    text: str,
    kind: str,
    language: str,
    names: dict[str, str] | None = None,
    *,
    zone: tzinfo | None = None,
    at: datetime | None = None,
) -> str:
    """A console-written entry in the language, its times in `zone` (the entry made `at`);
    a note or an unknown form as stored."""
    if kind == "note":
        return text  # the lead's words
    if not language.lower().startswith("zh"):
        return _english_local_times(text, kind, zone, at)  # English is what the fold stores
    if text in FIXED:
        return _(FIXED[text])
    shown = _Shown(language.lower(), names or {}, zone, _day(at, zone))
    for form_kind, pattern, rebuild in _FORMS:
        if form_kind == kind and (match := pattern.fullmatch(text)):
            return rebuild(shown, match)
    return text


def _day(at: datetime | None, zone: tzinfo | None) -> date | None:
    return at.astimezone(zone).date() if at is not None and zone is not None else None


def _english_local_times(text: str, kind: str, zone: tzinfo | None, at: datetime | None) -> str:
    """The stored English with its UTC times ('at 2026-11-22 06:13Z') in local time."""
    if zone is None or kind != "report":
        return text
    for form_kind, pattern, _rebuild in _FORMS:
        if form_kind == kind and (match := pattern.fullmatch(text)):
            for group in ("at", "due"):
                if group in pattern.groupindex:
                    start, end = match.span(group)  # the 'Z' follows the time
                    local = local_stamp(match[group], zone, _day(at, zone))
                    return text[:start] + local + text[end + 1 :]
            return text
    return text
