"""How stored values are shown: a severity, status, step state, entry kind or call outcome
in the chosen language. A value this console does not know (written by a newer one) is
shown as it is, cleaned, never a crash."""

from __future__ import annotations

from command_console.core.text import clean
from command_console.i18n import pgettext


def emergency_service(role: str) -> str:
    """The short name of an emergency number's service: 'fire' / '火警' (119)."""
    return {
        "fire": pgettext("emergency service", "fire"),
        "police": pgettext("emergency service", "police"),
        "ambulance": pgettext("emergency service", "ambulance"),
    }.get(role, clean(role))


def raw(value: object) -> str:
    """The stored word behind an enum member or a plain string, cleaned for showing."""
    return clean(str(getattr(value, "value", value) if value is not None else ""))


# The seed's level names (seeds 000 and 001): 一般/较大/重大/特别重大.
SEVERITY_ZH = {"general": "一般", "serious": "较大", "major": "重大", "critical": "特别重大"}


def severity(value: object) -> str:
    """'serious' in English, '较大' in Chinese."""
    word = raw(value)
    return {
        "general": pgettext("severity", "general"),
        "serious": pgettext("severity", "serious"),
        "major": pgettext("severity", "major"),
        "critical": pgettext("severity", "critical"),
    }.get(word, word)


def severity_both(value: object) -> str:
    """The level with the seed's Chinese name: 'serious 较大' in English, '较大' in Chinese."""
    word = raw(value)
    shown, seed = severity(word), SEVERITY_ZH.get(word, word)
    return shown if shown == seed else f"{shown} {seed}"


def status(value: object) -> str:
    word = raw(value)
    return {
        "active": pgettext("incident status", "active"),
        "contained": pgettext("incident status", "contained"),
        "resolved": pgettext("incident status", "resolved"),
        "cancelled": pgettext("incident status", "cancelled"),
    }.get(word, word)


def step_state(value: object) -> str:
    word = raw(value)
    return {
        "pending": pgettext("step state", "pending"),
        "done": pgettext("step state", "done"),
        "skipped": pgettext("step state", "skipped"),
    }.get(word, word)


def entry_kind(value: object) -> str:
    word = raw(value)
    return {
        "note": pgettext("entry kind", "note"),
        "call": pgettext("entry kind", "call"),
        "step": pgettext("entry kind", "step"),
        "status": pgettext("entry kind", "status"),
        "report": pgettext("entry kind", "report"),
        "shift": pgettext("entry kind", "shift"),
        "conflict": pgettext("entry kind", "conflict"),
    }.get(word, word)


def call_outcome(value: object) -> str:
    word = raw(value)
    return {
        "reached": pgettext("call outcome", "reached"),
        "no answer": pgettext("call outcome", "no answer"),
        "left message": pgettext("call outcome", "left message"),
    }.get(word, word)


def report_status(value: object) -> str:
    word = raw(value)
    return {
        "draft": pgettext("report status", "draft"),
        "complete": pgettext("report status", "complete"),
    }.get(word, word)


def step_outcome(label: str) -> str:
    """An export's step outcome: done, done late, skipped, pending, overdue, not done."""
    word = raw(label)
    return {
        "done": pgettext("step outcome", "done"),
        "done late": pgettext("step outcome", "done late"),
        "skipped": pgettext("step outcome", "skipped"),
        "pending": pgettext("step outcome", "pending"),
        "overdue": pgettext("step outcome", "overdue"),
        "not done": pgettext("step outcome", "not done"),
    }.get(word, word)
