"""What the lead can do: checked against the domain, then committed as operations.

The CLI and the console call these same functions; each returns once the change is
durable, and raises UserError (nothing written) when the input is wrong.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from sqlite3 import Connection

from command_console.core import text as clean
from command_console.core.contacts import ROLES, Contact
from command_console.core.errors import NotFound, UserError
from command_console.core.incidents import (
    CallOutcome,
    EntryKind,
    Severity,
    Status,
    StepState,
    incident_id,
)
from command_console.core.matching import resolve
from command_console.core.ops import Op
from command_console.core.plans import Plan, PlanStep
from command_console.core.report import FIELD_KEYS, field_by_key, problems
from command_console.data.store import Store
from command_console.i18n import N_, _, current_language

# The read models (queries -> schema -> SQLModel) load only in the functions that
# need them, so `command-console log` does not pay for the ORM at start-up.


def parse_severity(value: str) -> Severity:
    try:
        return Severity(resolve(value.lower(), [s.value for s in Severity], "severity"))
    except NotFound:
        allowed = ", ".join(s.value for s in Severity)
        raise UserError(
            _("severity {value!r} is not one of {allowed}").format(value=value, allowed=allowed)
        ) from None


def plan_snapshot(plan: Plan) -> dict:
    """The plan as it was when the incident opened; other consoles need no plan file.
    Keys left at their default are left out, so a plain step looks as it did before."""
    return {
        "id": plan.id,
        "title": plan.title,
        "title_zh": plan.title_zh,
        "category": plan.category,
        "severity": plan.severity.value,
        "source": plan.source,
        "summary": plan.summary,
        "summary_zh": plan.summary_zh,
        "steps": [_step_snapshot(s) for s in plan.steps],
    }


def _step_snapshot(step: PlanStep) -> dict:
    snapshot = {
        "id": step.id,
        "text": step.text,
        "deadline_s": step.deadline_s,
        "contact_role": step.contact_role,
        "escalate": step.escalate,
        "note": step.note,
    }
    optional = {
        "text_zh": step.text_zh,
        "note_zh": step.note_zh,
        "after": step.after,
        "from_severity": step.from_severity.value if step.from_severity else None,
        "at_once": step.at_once,
        "guidance": step.guidance,
    }
    return snapshot | {key: value for key, value in optional.items() if value}


def open_incident(
    store: Store,
    plan: Plan,
    *,
    severity: Severity | None = None,
    title: str = "",
    started_at: datetime | None = None,
    language: str | None = None,
    drill: bool = False,
) -> str:
    """Without a title, the incident takes the plan's title in the language (default: the console's).
    A drill is marked from its opening; the site's upward-report rule goes with it (actions_duties)."""
    now = store.clock.now()
    if clean.clean(title).strip():
        title = clean.clean_line(title, field=N_("title"), limit=clean.TITLE_LIMIT)
    else:
        title = plan.title_in(language or current_language())
    started = started_at or now

    from command_console.data.actions_duties import extra_payload

    opened: dict = {}

    def payload(conn: Connection) -> dict:
        mine = conn.execute(
            "SELECT count(*) FROM incidents WHERE console_id = ?", (store.console_id,)
        ).fetchone()[0]
        opened["id"] = incident_id(mine + 1, store.console_id)
        return {
            "id": opened["id"],
            "title": title,
            "plan": plan_snapshot(plan),
            "severity": (severity or plan.severity).value,
            "started_at": int(started.timestamp() * 1000),
        }

    written = store.append_many(
        [
            ("incident.open", payload),
            ("incident.extra", lambda conn: extra_payload(store, opened["id"], drill, plan)),
        ]
    )
    return written[0].payload["id"]


def _set_incident(store: Store, incident_id_: str, field: str, value: str | int) -> Op:
    base = store.last_writer("incident:" + incident_id_, field)
    return store.append(
        "incident.set", {"id": incident_id_, "field": field, "value": value, "base": base}
    )


def set_severity(store: Store, incident_id_: str, severity: Severity) -> Op:
    return _set_incident(store, incident_id_, "severity", severity.value)


def set_status(store: Store, incident_id_: str, status: Status) -> Op:
    return _set_incident(store, incident_id_, "status", status.value)


def set_title(store: Store, incident_id_: str, title: str) -> Op:
    return _set_incident(
        store,
        incident_id_,
        "title",
        clean.clean_line(title, field=N_("title"), limit=clean.TITLE_LIMIT),
    )


def set_started_at(store: Store, incident_id_: str, started: datetime) -> Op:
    return _set_incident(store, incident_id_, "started_at", int(started.timestamp() * 1000))


def log(store: Store, incident_id_: str, text: str, kind: EntryKind = EntryKind.NOTE) -> Op:
    entry = clean.clean_line(text, field=N_("log entry"), limit=clean.LOG_ENTRY_LIMIT)
    return store.append(
        "entry.add", {"incident_id": incident_id_, "kind": kind.value, "text": entry}
    )


def log_call(
    store: Store,
    incident_id_: str,
    contact: Contact,
    phone: str,
    outcome: CallOutcome,
    role: str = "",
) -> Op:
    """A call attempt to a contact with its outcome; lands in the timeline."""
    name = clean.clean_line(contact.name, field=N_("contact name"), limit=clean.NAME_LIMIT)
    return store.append(
        "call.add",
        {
            "incident_id": incident_id_,
            "contact_id": contact.id,
            "name": name,
            "phone": clean.clean(phone).strip(),
            "role": role,
            "outcome": outcome.value,
        },
    )


def resolve_step(store: Store, incident_id_: str, query: str) -> str:
    """A step by id, unique id prefix, or 1-based position."""
    from command_console.data import queries

    steps = queries.get_incident(store, incident_id_).steps
    step_ids = [s.step_id for s in steps]
    by_number = {str(s.position + 1): s.step_id for s in steps}  # the number shown beside each step
    if query.strip() in by_number:
        return by_number[query.strip()]
    return resolve(query, step_ids, f"step of {incident_id_}")


def set_step(store: Store, incident_id_: str, step_id: str, state: StepState, note: str = "") -> Op:
    if state == StepState.SKIPPED and not note.strip():
        raise UserError(_("skipping a step needs a reason (--note)"))
    note = (
        clean.clean_line(note, field=N_("note"), limit=clean.LOG_ENTRY_LIMIT)
        if note.strip()
        else ""
    )
    return store.append(
        "step.set",
        {"incident_id": incident_id_, "step_id": step_id, "state": state.value, "note": note},
    )


def acknowledge_step(store: Store, incident_id_: str, step_id: str) -> Op:
    return store.append("step.ack", {"incident_id": incident_id_, "step_id": step_id})


def resolve_field(query: str) -> str:
    return resolve(query.lower(), FIELD_KEYS, "report field")


def set_report_field(store: Store, incident_id_: str, field: str, value: str) -> Op | None:
    """Store one report field; returns None when the value is unchanged (nothing written)."""
    from command_console.data import queries

    spec = field_by_key(field)
    if (
        spec is not None and not spec.multiline
    ):  # site, time, type: one line, as the form shows them
        value = clean.clean(value)
    cleaned = clean.clean_block(value, field=field)
    report = queries.get_report(store, incident_id_)
    if report.value(field) == cleaned:
        return None
    base = store.last_writer("incident:" + incident_id_, "report." + field)
    return store.append(
        "report.set", {"incident_id": incident_id_, "field": field, "value": cleaned, "base": base}
    )


def complete_report(store: Store, incident_id_: str) -> Op:
    from command_console.data import queries

    missing = problems(queries.get_report(store, incident_id_))
    if missing:
        raise UserError(_("report incomplete: ") + "; ".join(missing.values()))
    return store.append("report.status", {"incident_id": incident_id_, "status": "complete"})


def reopen_report(store: Store, incident_id_: str) -> Op:
    return store.append("report.status", {"incident_id": incident_id_, "status": "draft"})


def contact_payload(contact: Contact) -> dict:
    unknown = [r for r in contact.roles if r not in ROLES]
    if unknown:
        raise UserError(
            _("contact {name!r}: unknown role {value!r} (known: {value2})").format(
                name=contact.name, value=unknown[0], value2=", ".join(ROLES)
            )
        )
    return {
        "id": contact.id,
        "name": clean.clean_line(contact.name, field=N_("name"), limit=clean.NAME_LIMIT),
        "roles": dict(contact.roles),
        "phones": [clean.clean(p).strip() for p in contact.phones],
        "notes": clean.clean(contact.notes).strip(),
        "on_duty": contact.on_duty,
    }


def upsert_contacts(store: Store, contacts: list[Contact]) -> list[Op]:
    """Add or update contacts in one transaction; unchanged ones are not rewritten."""
    from command_console.data import queries

    current = {c.id: c for c in queries.list_contacts(store)}
    payloads = [contact_payload(c) for c in contacts]
    changed = [
        p
        for p in payloads
        if p != (contact_payload(current[p["id"]]) if p["id"] in current else None)
    ]
    return store.append_many([("contact.upsert", p) for p in changed]) if changed else []


def remove_contact(store: Store, contact_id: str) -> Op:
    return store.append("contact.remove", {"id": contact_id})


def start_shift(store: Store, lead: str) -> str:
    lead = clean.clean_line(lead, field=N_("lead name"), limit=clean.NAME_LIMIT)
    shift_id = f"{store.console_id}-{uuid.uuid4().hex[:6]}"
    from command_console.data.shift import start_payload

    store.append("shift.start", start_payload(store, shift_id, lead))
    return shift_id
