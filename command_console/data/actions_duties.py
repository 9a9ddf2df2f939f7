"""What the lead does for the duties: report upward, review, archive, routines.

Checked against the domain, then committed as operations (like data/actions.py); each
returns once the change is durable and raises UserError, writing nothing, on bad input.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from command_console.core import text as clean
from command_console.core.clock import to_ms
from command_console.core.contacts import ROLE_LABELS_ZH, ROLES
from command_console.core.duties import (
    REVIEW_FIELDS,
    Routine,
    UpwardRule,
    VersionKind,
    Via,
    review_missing,
)
from command_console.core.errors import NotFound, UserError
from command_console.core.incidents import Status
from command_console.core.matching import resolve
from command_console.core.ops import Op
from command_console.core.plan_upward import merged_rule
from command_console.core.plans import Plan
from command_console.core.report import FIELD_KEYS, ReportStatus
from command_console.data import queries, queries_duties
from command_console.data.store import Store
from command_console.i18n import _


def site_rule(store: Store) -> tuple[UpwardRule, ...]:
    """The upward-report rule of this site (duties.toml beside the database, else the seeds').
    A broken duties.toml never stops an incident from opening: the seeds' rule applies and
    `routines list` names the problem."""
    from command_console.core.duties import DEFAULT_UPWARD_RULE
    from command_console.data.duties_config import load

    try:
        return load(store.path.parent)[0]
    except UserError:
        return DEFAULT_UPWARD_RULE


def extra_payload(
    store: Store, incident_id: str, drill: bool, plan: Plan | None = None
) -> dict[str, Any]:
    """The drill mark and the upward-report rule the incident follows: the site's, with the
    plan's own [[upward]] duties added (core/plan_upward.merged_rule)."""
    rule = merged_rule(site_rule(store), plan.upward if plan is not None else ())
    return {
        "incident_id": incident_id,
        "drill": bool(drill),
        "upward": [r.as_payload() for r in rule],
    }


# -- upward reports --------------------------------------------------------------


def role_of(store: Store, incident_id: str, to: str) -> str | None:
    """The role a recipient stands for: a role id or its Chinese or English name; else a
    contact on the roster whose role is still owed a report; else none (free text)."""
    wanted = to.strip().casefold()
    for role in ROLES:
        if wanted in (
            role,
            ROLE_LABELS_ZH.get(role, "").casefold(),
            ROLES[role].casefold(),
            _(ROLES[role]).casefold(),
        ):
            return role
    contact = next((c for c in queries.list_contacts(store) if c.name.casefold() == wanted), None)
    if contact is None:
        return None
    owed = [
        d.role
        for d in queries_duties.upward_dues(store, incident_id)
        if not d.done and d.role in contact.roles
    ]
    return owed[0] if owed else next(iter(sorted(contact.roles)), None)


def report_sent(
    store: Store,
    incident_id: str,
    to: str,
    via: str,
    *,
    version: str | None = None,
    role: str | None = None,
    told_at: datetime | None = None,
) -> Op:
    """Record that `to` was told (by phone, in writing, by message) at told_at (default now),
    with the report's fields as they stand frozen as the version sent."""
    to = clean.clean_line(to, field="--to", limit=clean.NAME_LIMIT)
    via_value = Via(resolve(via.strip().lower(), [v.value for v in Via], "--via"))
    now = store.clock.now()
    told = told_at or now
    if told > now + timedelta(minutes=1):
        raise UserError(_("--at {when}Z is in the future").format(when=f"{told:%Y-%m-%d %H:%M}"))
    if role is not None:
        role = resolve(role.strip(), list(ROLES), "role")
    else:
        role = role_of(store, incident_id, to)
    sent_before = queries_duties.upward_reports(store, incident_id)
    if version is None:
        kind = VersionKind.FOLLOWUP if sent_before else VersionKind.INITIAL
    else:
        kind = VersionKind(
            resolve(
                version.strip().lower().replace("-", ""),
                [k.value for k in VersionKind],
                "--version",
            )
        )
    report = queries.get_report(store, incident_id)
    fields = {key: report.value(key) for key in FIELD_KEYS if report.value(key).strip()}
    return store.append(
        "report.sent",
        {
            "incident_id": incident_id,
            "to": to,
            "role": role,
            "via": via_value.value,
            "told_at": to_ms(told),
            "version": kind.value,
            "fields": fields,
        },
    )


# -- the post-incident review ------------------------------------------------------


def resolve_review_field(query: str) -> str:
    return resolve(query.strip().lower().replace("-", "_"), list(REVIEW_FIELDS), "review field")


def set_review_field(store: Store, incident_id: str, field: str, value: str) -> Op | None:
    key = resolve_review_field(field)
    cleaned = clean.clean_block(value, field=key)
    if queries_duties.review(store, incident_id).get(key, "") == cleaned:
        return None
    base = store.last_writer("incident:" + incident_id, "review." + key)
    return store.append(
        "incident.review",
        {"incident_id": incident_id, "field": key, "value": cleaned, "base": base},
    )


def add_action(store: Store, incident_id: str, text: str, owner: str, due: datetime) -> str:
    text = clean.clean_line(text, field=_("corrective action"), limit=clean.LOG_ENTRY_LIMIT)
    owner = clean.clean_line(owner, field="--owner", limit=clean.NAME_LIMIT)
    action_id = uuid.uuid4().hex[:12]
    store.append(
        "incident.action",
        {
            "incident_id": incident_id,
            "action_id": action_id,
            "text": text,
            "owner": owner,
            "due": to_ms(due),
        },
    )
    return action_id


def resolve_action(store: Store, query: str) -> str:
    return resolve(query.strip().lower(), queries_duties.action_ids(store), "corrective action")


def close_action(store: Store, action_id: str, note: str) -> Op:
    note = (
        clean.clean_line(note, field="--note", limit=clean.LOG_ENTRY_LIMIT) if note.strip() else ""
    )
    if not note:
        raise UserError(_("closing a corrective action needs a note (--note): what was done"))
    found = next((a for a in queries_duties.actions(store) if a.id == action_id), None)
    if found is None:
        raise NotFound(_("unknown corrective action {id!r}").format(id=action_id))
    if not found.is_open:
        raise UserError(_("corrective action {id} is already closed").format(id=action_id))
    return store.append(
        "incident.action_done",
        {"incident_id": found.incident_id, "action_id": action_id, "note": note},
    )


# -- archive --------------------------------------------------------------------------


def archive_problems(store: Store, incident_id: str) -> list[str]:
    incident = queries.get_incident(store, incident_id)
    found = []
    if incident.status != Status.RESOLVED:
        found.append(_("the incident is not resolved"))
    if queries.report_status(store, incident_id) != ReportStatus.COMPLETE:
        found.append(_("the report is not marked complete"))
    missing = review_missing(
        queries_duties.review(store, incident_id), queries_duties.flags_of(store, incident_id).drill
    )
    if missing:
        found.append(_("the review lacks: {fields}").format(fields=", ".join(missing)))
    return found


def archive(store: Store, incident_id: str, archived: bool = True) -> Op:
    if archived:
        found = archive_problems(store, incident_id)
        if found:
            raise UserError(
                _("{id} cannot be archived: {problems}").format(
                    id=incident_id, problems="; ".join(found)
                )
            )
    return store.append("incident.archive", {"incident_id": incident_id, "archived": archived})


# -- shift routines ----------------------------------------------------------------------


def routine_done(store: Store, routine: Routine, note: str = "") -> Op:
    note = (
        clean.clean_line(note, field="--note", limit=clean.LOG_ENTRY_LIMIT) if note.strip() else ""
    )
    return store.append(
        "routine.done",
        {
            "id": f"{store.console_id}-routines",
            "routine": routine.id,
            "title": clean.clean(routine.title)[:200] or routine.id,
            "note": note,
        },
    )
