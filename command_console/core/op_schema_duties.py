"""Schemas of the duty operations (upward reports, review, drills, archive, routines).
Registered in core/op_schema.PAYLOADS: the same door for local writes and peers' ops."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, StrictBool, StrictStr

from command_console.core.duties import REVIEW_FIELDS, ActionStatus, VersionKind, Via  # noqa: F401
from command_console.core.incidents import Severity
from command_console.core.op_schema import (
    MAX_DEADLINE_S,
    IncidentId,
    Key,
    Ms,
    OpId,
    Text,
    _Strict,
)
from command_console.core.report import FIELD_KEYS
from command_console.core.text import FIELD_LIMIT, LOG_ENTRY_LIMIT, NAME_LIMIT

MAX_UPWARD_RULES = 40
Who = Annotated[StrictStr, Field(min_length=1, max_length=NAME_LIMIT)]
ActionId = Annotated[StrictStr, Field(pattern=r"^[0-9a-f]{8,32}$")]
RoutineEntity = Annotated[StrictStr, Field(pattern=r"^[a-z0-9]{2,12}-routines$")]
RoutineKey = Annotated[StrictStr, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")]
ReviewKey = Annotated[StrictStr, Field(pattern="^(" + "|".join(REVIEW_FIELDS) + ")$")]


class UpwardRulePayload(_Strict):
    role: Key
    deadline_s: Annotated[int, Field(strict=True, ge=1, le=MAX_DEADLINE_S)]
    from_severity: Severity


class IncidentExtra(_Strict):
    """Written with incident.open: whether it is a drill and the upward-report rule it follows."""

    incident_id: IncidentId
    drill: StrictBool
    upward: Annotated[list[UpwardRulePayload], Field(max_length=MAX_UPWARD_RULES)]


class IncidentArchive(_Strict):
    incident_id: IncidentId
    archived: StrictBool


class ReportSent(_Strict):
    """Somebody was told: the report's fields as sent are frozen in the operation."""

    incident_id: IncidentId
    to: Who
    role: Key | None
    via: Via
    told_at: Ms
    version: VersionKind
    fields: Annotated[
        dict[Annotated[StrictStr, Field(pattern="^(" + "|".join(FIELD_KEYS) + ")$")], Text],
        Field(max_length=len(FIELD_KEYS)),
    ]


class ReviewSet(_Strict):
    incident_id: IncidentId
    field: ReviewKey
    value: Text
    base: OpId | None


class ActionAdd(_Strict):
    incident_id: IncidentId
    action_id: ActionId
    text: Annotated[StrictStr, Field(min_length=1, max_length=LOG_ENTRY_LIMIT)]
    owner: Who
    due: Ms


class ActionDone(_Strict):
    incident_id: IncidentId
    action_id: ActionId
    note: Annotated[StrictStr, Field(min_length=1, max_length=LOG_ENTRY_LIMIT)]


class RoutineDone(_Strict):
    id: RoutineEntity  # '<console>-routines': each console's routine log is one entity
    routine: RoutineKey
    title: Annotated[StrictStr, Field(min_length=1, max_length=FIELD_LIMIT)]
    note: Annotated[StrictStr, Field(max_length=LOG_ENTRY_LIMIT)]


DUTY_PAYLOADS: dict[str, type[_Strict]] = {
    "incident.extra": IncidentExtra,
    "incident.archive": IncidentArchive,
    "report.sent": ReportSent,
    "incident.review": ReviewSet,
    "incident.action": ActionAdd,
    "incident.action_done": ActionDone,
    "routine.done": RoutineDone,
}
