"""One schema per operation kind: the door every operation passes, written here or read
from another console.

The same models check a local write before it is committed and a peer's operation before
it is merged, so nothing accepted here can be refused there. Limits are the ones the lead
meets when typing (core/text.py); numbers are bounded so no arithmetic on them overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    StrictStr,
    ValidationError,
    model_validator,
)

from command_console.core.incidents import CallOutcome, EntryKind, Severity, Status, StepState
from command_console.core.text import FIELD_LIMIT, LOG_ENTRY_LIMIT, NAME_LIMIT, TITLE_LIMIT

# Times are milliseconds since 1970 between these two instants (2000-01-01 .. 2200-01-01).
TIME_MIN_MS = 946_684_800_000
TIME_MAX_MS = 7_258_118_400_000
HLC_MAX = TIME_MAX_MS << 16
SEQ_MAX = 2**53
# Raise it in a release that admits operations an earlier release refused (a new kind,
# field or value): consoles then check again what they kept aside (data/sync/recheck.py).
DOOR_VERSION = 1
MAX_DEADLINE_S = 30 * 24 * 3600
MAX_PLAN_STEPS = 100
STEP_TEXT_LIMIT = 1000
NOTE_LIMIT = 4000
MAX_PHONES = 10
MAX_ROLES = 40
MAX_SUMMARY_KEYS = 40

Text = Annotated[StrictStr, Field(max_length=FIELD_LIMIT)]
Title = Annotated[StrictStr, Field(min_length=1, max_length=TITLE_LIMIT)]
Name = Annotated[StrictStr, Field(max_length=NAME_LIMIT)]
Key = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9._-]{0,63}$")]
IncidentId = Annotated[StrictStr, Field(pattern=r"^[0-9]{1,9}-[a-z0-9]{2,12}$")]
ShiftId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{2,12}-[0-9a-z-]{1,40}$")]
ContactId = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
OpId = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{32}$")]
Ms = Annotated[StrictInt, Field(ge=TIME_MIN_MS, le=TIME_MAX_MS)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepSnapshot(_Strict):
    id: Key
    text: Annotated[StrictStr, Field(min_length=1, max_length=STEP_TEXT_LIMIT)]
    text_zh: Annotated[StrictStr, Field(max_length=STEP_TEXT_LIMIT)] = ""
    deadline_s: Annotated[StrictInt, Field(ge=0, le=MAX_DEADLINE_S)] | None = None
    contact_role: Key | None = None
    escalate: StrictBool = False
    note: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)] = ""
    note_zh: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)] = ""
    after: Key | None = None
    from_severity: Severity | None = None
    at_once: StrictBool = False
    guidance: StrictBool = False


class PlanSnapshot(_Strict):
    id: Key
    title: Title
    title_zh: Annotated[StrictStr, Field(max_length=TITLE_LIMIT)] = ""
    category: Key
    severity: Severity | None = None
    source: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)] = ""
    summary: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)] = ""
    summary_zh: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)] = ""
    steps: Annotated[list[StepSnapshot], Field(min_length=1, max_length=MAX_PLAN_STEPS)]


class IncidentOpen(_Strict):
    id: IncidentId
    title: Title
    plan: PlanSnapshot
    severity: Severity
    started_at: Ms


class IncidentSet(_Strict):
    id: IncidentId
    field: Key
    value: StrictStr | StrictInt
    base: OpId | None

    @model_validator(mode="after")
    def _value_fits_field(self) -> IncidentSet:
        checks = {
            "title": _title,
            "severity": _enum(Severity),
            "status": _enum(Status, but=(Status.CANCELLED,)),  # a cancel needs its reason
            "started_at": _ms,
        }
        check = checks.get(self.field)
        if check is None:
            raise ValueError(f"field {self.field!r} is not one of {', '.join(checks)}")
        check(self.value)
        return self


Reason = Annotated[StrictStr, Field(min_length=1, max_length=LOG_ENTRY_LIMIT)]


class IncidentPlan(_Strict):
    """The incident changes plan: the new plan's steps start fresh, timed from the change."""

    id: IncidentId
    plan: PlanSnapshot
    base: OpId | None


class IncidentCancel(_Strict):
    """Opened by mistake or a duplicate: kept and shown as cancelled, out of every count."""

    id: IncidentId
    reason: Reason
    base: OpId | None


class EntryAmend(_Strict):
    """A correction (new text) or retraction of a log entry; the entry keeps its text."""

    incident_id: IncidentId
    entry_id: OpId
    text: Annotated[StrictStr, Field(max_length=LOG_ENTRY_LIMIT)]
    retracted: StrictBool
    reason: Reason

    @model_validator(mode="after")
    def _text_or_retracted(self) -> EntryAmend:
        if self.retracted == bool(self.text):
            raise ValueError("text: a correction has text, a retraction has none")
        return self


class EntryAdd(_Strict):
    incident_id: IncidentId
    kind: EntryKind
    text: Annotated[StrictStr, Field(max_length=LOG_ENTRY_LIMIT)]


class CallAdd(_Strict):
    incident_id: IncidentId
    contact_id: Annotated[StrictStr, Field(max_length=40)]
    name: Name
    phone: Annotated[StrictStr, Field(max_length=40)]
    role: Annotated[StrictStr, Field(max_length=64)]
    outcome: CallOutcome


class StepSet(_Strict):
    incident_id: IncidentId
    step_id: Key
    state: StepState
    note: Annotated[StrictStr, Field(max_length=LOG_ENTRY_LIMIT)]


class StepAck(_Strict):
    incident_id: IncidentId
    step_id: Key


class ReportSet(_Strict):
    incident_id: IncidentId
    field: Key
    value: Text
    base: OpId | None


class ReportStatus(_Strict):
    incident_id: IncidentId
    status: Annotated[StrictStr, Field(pattern=r"^(draft|complete)$")]


class ContactUpsert(_Strict):
    id: ContactId
    name: Annotated[StrictStr, Field(min_length=1, max_length=NAME_LIMIT)]
    roles: Annotated[
        dict[Key, Annotated[StrictInt, Field(ge=1, le=2)]], Field(max_length=MAX_ROLES)
    ]
    phones: Annotated[
        list[Annotated[StrictStr, Field(max_length=40)]], Field(max_length=MAX_PHONES)
    ]
    notes: Annotated[StrictStr, Field(max_length=NOTE_LIMIT)]
    on_duty: StrictBool


class ContactRemove(_Strict):
    id: ContactId


class SiteStamp(_Strict):
    """Where the console that started a shift stands (config.toml's site_name and
    site_location), so a board across consoles can group by site."""

    name: Name
    location: Name = ""


class ShiftStart(_Strict):
    id: ShiftId
    lead: Annotated[StrictStr, Field(min_length=1, max_length=NAME_LIMIT)]
    site: SiteStamp | None = None  # absent in ops written before sites travelled


class ShiftHandover(_Strict):
    id: ShiftId
    note: Text
    next_lead: Annotated[StrictStr, Field(min_length=1, max_length=NAME_LIMIT)]
    summary: Annotated[
        dict[Annotated[StrictStr, Field(max_length=64)], Any], Field(max_length=MAX_SUMMARY_KEYS)
    ]


REISSUE = "op.reissue"


class Reissue(_Strict):
    """Another console id's operation written again by this console (a copied data
    directory given a new identity, see data/sync/identity.py). The original keeps its
    id, content and signature: receivers check it as its own console's, and fold it once."""

    original: dict[str, Any]

    @model_validator(mode="after")
    def _original_is_an_operation(self) -> Reissue:
        problem = envelope_problem(self.original)
        if problem is None and self.original["kind"] == REISSUE:
            problem = "kind: a re-issue cannot carry another re-issue"
        if problem is None:
            problem = payload_problem(self.original["kind"], self.original["payload"])
        if problem is not None:
            raise ValueError(f"original: {problem}")
        return self


PAYLOADS: dict[str, type[_Strict]] = {
    "incident.open": IncidentOpen,
    "incident.set": IncidentSet,
    "incident.plan": IncidentPlan,
    "incident.cancel": IncidentCancel,
    "entry.add": EntryAdd,
    "entry.amend": EntryAmend,
    "call.add": CallAdd,
    "step.set": StepSet,
    "step.ack": StepAck,
    "report.set": ReportSet,
    "report.status": ReportStatus,
    "contact.upsert": ContactUpsert,
    "contact.remove": ContactRemove,
    "shift.start": ShiftStart,
    "shift.handover": ShiftHandover,
    REISSUE: Reissue,
}


class Envelope(_Strict):
    """Every field of an operation but its payload."""

    id: OpId
    console_id: Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{2,12}$")]
    seq: Annotated[StrictInt, Field(ge=1, le=SEQ_MAX)]
    hlc: Annotated[StrictInt, Field(ge=1, le=HLC_MAX)]
    wall: Annotated[StrictInt, Field(ge=0, le=TIME_MAX_MS)]
    kind: Annotated[StrictStr, Field(max_length=40)]
    entity: Annotated[StrictStr, Field(max_length=80)]
    author: Name
    payload: dict[str, Any]
    prev_hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    hash: Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{64}$")]
    sig: Annotated[StrictStr, Field(max_length=200)]
    v: StrictInt


def payload_problem(kind: str, payload: object) -> str | None:
    """Why a payload is unusable for its kind, in one line, or None."""
    model = PAYLOADS.get(kind)
    if model is None:
        return f"unknown kind {kind!r}"
    try:
        model.model_validate(payload)
    except ValidationError as exc:
        return one_line(exc)
    return None


def envelope_problem(fields: dict[str, Any]) -> str | None:
    try:
        Envelope.model_validate(fields)
    except ValidationError as exc:
        return one_line(exc)
    return None


def one_line(exc: ValidationError) -> str:
    """The first error of a validation, e.g. "plan.steps.0.text: String should have at most 1000 characters"."""
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"]) or "value"
    more = exc.error_count() - 1
    return f"{where}: {first['msg']}" + (f" (+{more} more)" if more > 0 else "")


def _title(value: object) -> None:
    if not isinstance(value, str) or not 0 < len(value) <= TITLE_LIMIT:
        raise ValueError(f"title must be text of 1-{TITLE_LIMIT} characters")


def _ms(value: object) -> None:
    if not isinstance(value, int) or not TIME_MIN_MS <= value <= TIME_MAX_MS:
        raise ValueError("started_at must be milliseconds between 2000 and 2200")


def _enum(kind: type[StrEnum], but: tuple[StrEnum, ...] = ()) -> Callable[[object], None]:
    allowed = [member.value for member in kind if member not in but]

    def check(value: object) -> None:
        if value not in allowed:
            raise ValueError(f"value must be one of {', '.join(allowed)}")

    return check


from command_console.core.op_schema_duties import DUTY_PAYLOADS  # noqa: E402  (they build on the types above)

PAYLOADS.update(DUTY_PAYLOADS)
