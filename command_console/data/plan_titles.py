"""An incident's plan title in the chosen language (issue #13).

The incidents table keeps the plan's English title; the Chinese one travels in the plan
snapshot of the operation that opened the incident or changed its plan. Reads pick it
from there for a zh language, so the console, the CLI and every export show 预案 titles
in Chinese, and a plan that has no Chinese title (or an English console) keeps its title.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import tzinfo

from command_console.core.entry_text import entry_in
from command_console.core.incidents import Incident, TimelineEntry
from command_console.core.plans import in_language
from command_console.core.text import shown
from command_console.data.store import Store
from command_console.i18n import current_language

_SNAPSHOTS = (
    "SELECT json_extract(payload, '$.id'), json_extract(payload, '$.plan.id'), "
    "json_extract(payload, '$.plan.title_zh') FROM ops "
    "WHERE kind IN ('incident.open', 'incident.plan') {only} ORDER BY hlc, console_id, seq"
)


def chinese_plan_titles(
    store: Store, incident_ids: list[str] | None = None
) -> dict[tuple[str, str], str]:
    """(incident id, plan id) -> the plan's Chinese title from its snapshot (the latest wins)."""
    only = ""
    params: tuple[str, ...] = ()
    if incident_ids is not None and len(incident_ids) <= 1:
        only, params = "AND entity = ?", tuple(f"incident:{i}" for i in incident_ids)
    found: dict[tuple[str, str], str] = {}
    for incident_id, plan_id, title_zh in store.rows(_SNAPSHOTS.format(only=only), *params):
        if isinstance(title_zh, str) and title_zh.strip():
            found[(str(incident_id), str(plan_id))] = shown(title_zh)
    return found


def in_chosen_language(
    store: Store, incidents: list[Incident], language: str | None = None
) -> list[Incident]:
    """The incidents with `plan_title` in the language (unchanged for English)."""
    language = language or current_language()
    if not incidents or not language.lower().startswith("zh"):
        return incidents
    titles = chinese_plan_titles(store, [i.id for i in incidents])
    return [
        replace(
            i, plan_title=in_language(i.plan_title, titles.get((i.id, i.plan_id), ""), language)
        )
        for i in incidents
    ]


def chinese_names(store: Store, incident_ids: set[str]) -> dict[str, str]:
    """English plan titles and step texts -> their Chinese text, from the plan snapshots of
    these incidents (what the console's own timeline entries quote)."""
    if not incident_ids:
        return {}
    if len(incident_ids) <= 50:
        marks = ", ".join("?" for _ in incident_ids)
        rows = store.rows(
            "SELECT payload FROM ops WHERE kind IN ('incident.open', 'incident.plan') "  # noqa: S608 - placeholders only; values are bound
            f"AND entity IN ({marks})",
            *(f"incident:{i}" for i in sorted(incident_ids)),
        )
    else:
        rows = store.rows(
            "SELECT payload FROM ops WHERE kind IN ('incident.open', 'incident.plan')"
        )
    names: dict[str, str] = {}
    for (payload,) in rows:
        plan = _plan_of(payload)
        pairs = [(plan.get("title"), plan.get("title_zh"))]
        steps = plan.get("steps")
        pairs += (
            [(s.get("text"), s.get("text_zh")) for s in steps if isinstance(s, dict)]
            if isinstance(steps, list)
            else []
        )
        for english, chinese in pairs:
            if isinstance(english, str) and isinstance(chinese, str) and chinese.strip():
                names[shown(english)] = shown(chinese)
    return names


def _plan_of(payload: str) -> dict[str, object]:
    try:
        plan = json.loads(payload).get("plan")
    except (ValueError, AttributeError):
        return {}
    return plan if isinstance(plan, dict) else {}


def entries_in_language(
    store: Store,
    entries: list[TimelineEntry],
    language: str | None = None,
    *,
    zone: tzinfo | None = None,
) -> list[TimelineEntry]:
    """Timeline entries with the console's own words in the language (core/entry_text),
    the times inside them in `zone`, the site's (left in UTC, marked Z, without one)."""
    language = language or current_language()
    chinese = language.lower().startswith("zh")
    if not entries or not (chinese or zone is not None):
        return entries
    names = (
        chinese_names(store, {e.incident_id for e in entries if e.incident_id}) if chinese else {}
    )
    return [
        replace(
            e,
            text=entry_in(
                e.text, str(getattr(e.kind, "value", e.kind)), language, names, zone=zone, at=e.at
            ),
        )
        for e in entries
    ]
