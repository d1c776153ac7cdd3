"""The workflow definition: a trigger, conditions and steps, as a published JSON schema.

The API takes and returns definitions in this shape; `/api/v1/workflows/schema` serves the
schema. Parsing checks the shape (`parse_definition`); `rapport.automation.validation` then
checks it against the workspace (fields, users, tags, templates), naming the step and field of
every problem.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from rapport.core.errors import FieldError, Invalid
from rapport.core.filters import OPERATORS

STEP_ID = r"^[A-Za-z0-9_-]{1,40}$"
HH_MM = r"^([01]\d|2[0-3]):[0-5]\d$"
MAX_STEPS = 60
MAX_NESTING = 5


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


# --- Conditions -------------------------------------------------------------------------------


class Condition(Strict):
    """A leaf compares one field (`company.industry`, `custom.plan`) with the API's operators;
    a group holds `all` (AND) or `any` (OR) of further conditions."""

    field: str | None = None
    op: Literal[OPERATORS] | None = None  # type: ignore[valid-type]
    value: str | int | float | bool | list[str | int | float] | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        groups = [g for g in (self.all, self.any) if g is not None]
        if len(groups) > 1 or (groups and self.field is not None):
            raise ValueError("a condition is either a field test or one group (all / any)")
        if not groups and (self.field is None or self.op is None):
            raise ValueError("a field test needs field and op")
        return self


# --- Triggers ---------------------------------------------------------------------------------

RecordType = Literal["contact", "company", "deal", "activity", "ticket"]


class RecordEventTrigger(Strict):
    type: Literal["record_created", "record_updated", "record_deleted", "manual"]
    object_type: RecordType


class FieldChangedTrigger(Strict):
    type: Literal["field_changed"]
    object_type: RecordType
    field: str
    # Left out: any value. Given (even null): the value before / after must equal it.
    from_value: Any = Field(default=None, alias="from")
    to_value: Any = Field(default=None, alias="to")


class DateTrigger(Strict):
    """At `at` (workspace time), `offset_days` before (<0) or after (>0) a date field."""

    type: Literal["date"]
    object_type: RecordType
    field: str
    offset_days: int = Field(default=0, ge=-366, le=366)
    at: str = Field(default="09:00", pattern=HH_MM)
    every_year: bool = False  # birthdays, anniversaries: the date's month and day each year


class NoActivityTrigger(Strict):
    type: Literal["no_activity"]
    object_type: Literal["contact", "company", "deal"]
    days: int = Field(ge=1, le=730)


class ScheduleTrigger(Strict):
    """On the given weekdays (0 = Monday) at `at` workspace time, for each matching record."""

    type: Literal["schedule"]
    object_type: Literal["contact", "company", "deal"]
    weekdays: list[Annotated[int, Field(ge=0, le=6)]] = Field(min_length=1)
    at: str = Field(pattern=HH_MM)


class WebhookTrigger(Strict):
    """A POST to the workflow's hook URL with its secret; the JSON body is `trigger.payload`.
    With `object_type` contact, a body naming `contact_id` or `email` runs on that contact."""

    type: Literal["webhook"]
    object_type: Literal["contact"] | None = None


Trigger = Annotated[
    RecordEventTrigger
    | FieldChangedTrigger
    | DateTrigger
    | NoActivityTrigger
    | ScheduleTrigger
    | WebhookTrigger,
    Field(discriminator="type"),
]

# --- Steps ------------------------------------------------------------------------------------


class StepBase(Strict):
    id: str = Field(pattern=STEP_ID)
    name: str = Field(default="", max_length=200)


class UpdateField(StepBase):
    type: Literal["update_field"]
    field: str
    value: Any = None


class AssignOwner(StepBase):
    """A fixed user; round-robin through a team; the team member with fewest open records; or
    by territory: the team of the first territory the record matches, picked from `then`
    (round-robin or fewest open), else the fallback team (the same way), else the fallback
    user. Members marked away are skipped."""

    type: Literal["assign_owner"]
    mode: Literal["user", "round_robin", "fewest_open", "territory"]
    user_id: int | None = None
    team_id: int | None = None
    then: Literal["round_robin", "fewest_open"] = "round_robin"
    fallback_team_id: int | None = None
    fallback_user_id: int | None = None


class TagStep(StepBase):
    type: Literal["add_tag", "remove_tag"]
    tag: str = Field(min_length=1, max_length=60)


class CreateTask(StepBase):
    type: Literal["create_task"]
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=5000)
    due_in_days: int = Field(default=0, ge=0, le=365)
    assignee: Literal["owner"] | int = "owner"
    priority: Literal["low", "normal", "high"] = "normal"


class CreateActivity(StepBase):
    type: Literal["create_activity"]
    kind: Literal["note", "call", "meeting", "email"]
    subject: str = Field(default="", max_length=200)
    body: str = Field(default="", max_length=5000)


class SendEmail(StepBase):
    type: Literal["send_email"]
    template_id: int
    to: Literal["contact", "owner", "user"] = "contact"
    user_id: int | None = None


class Notify(StepBase):
    type: Literal["notify"]
    recipients: Literal["owner"] | list[int] = "owner"
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=2000)


class CreateRecord(StepBase):
    """A company for a contact (linked as its company), a contact at a company, or a deal for
    a contact (as its primary contact, with the contact's company) or a company."""

    type: Literal["create_record"]
    object_type: Literal["contact", "company", "deal"]
    fields: dict[str, Any]


class HttpPost(StepBase):
    type: Literal["http_post"]
    url: str = Field(pattern=r"^https?://", max_length=2000)
    timeout_seconds: int = Field(default=10, ge=1, le=30)


class Wait(StepBase):
    """For a duration, or until a date field of the record (plus `offset_days`) at `at`."""

    type: Literal["wait"]
    days: int = Field(default=0, ge=0, le=365)
    hours: int = Field(default=0, ge=0, le=23)
    minutes: int = Field(default=0, ge=0, le=59)
    until_field: str | None = None
    offset_days: int = Field(default=0, ge=-366, le=366)
    at: str = Field(default="09:00", pattern=HH_MM)

    @model_validator(mode="after")
    def _some_wait(self) -> Wait:
        if self.until_field is None and not (self.days or self.hours or self.minutes):
            raise ValueError("wait needs a duration or until_field")
        return self


class Branch(StepBase):
    type: Literal["branch"]
    condition: Condition = Field(alias="if")
    then: list[Step] = Field(default_factory=list)
    otherwise: list[Step] = Field(default_factory=list, alias="else")


Step = Annotated[
    UpdateField
    | AssignOwner
    | TagStep
    | CreateTask
    | CreateActivity
    | SendEmail
    | Notify
    | CreateRecord
    | HttpPost
    | Wait
    | Branch,
    Field(discriminator="type"),
]
Branch.model_rebuild()


class Definition(Strict):
    trigger: Trigger
    conditions: Condition | None = None
    steps: list[Step] = Field(min_length=1)


def _loc(loc: tuple[int | str, ...]) -> tuple[str | int, ...]:
    # pydantic names union members in the path ("update_field"); keep only the input's keys.
    tags = {"function-after", *STEP_TYPES}
    return tuple(p for p in loc if not (isinstance(p, str) and (p in tags or "[" in p)))


def parse_definition(raw: Any) -> Definition:
    """The definition, or Invalid with one field error per problem under ("definition", ...)."""
    try:
        definition = Definition.model_validate(raw)
    except ValidationError as exc:
        problems = [
            FieldError(("definition", *_loc(e["loc"])), e["msg"].removeprefix("Value error, "))
            for e in exc.errors()
        ]
        raise Invalid("The workflow definition is not valid.", problems) from exc
    _check_ids(definition)
    return definition


def walk(
    steps: list[Any], path: tuple[str | int, ...] = ("steps",)
) -> Iterator[tuple[Any, tuple[str | int, ...], int]]:
    """Every step with its location in the definition and its nesting depth (0 at the top)."""
    for i, step in enumerate(steps):
        yield step, (*path, i), len(path) // 3
        if isinstance(step, Branch):
            yield from walk(step.then, (*path, i, "then"))
            yield from walk(step.otherwise, (*path, i, "else"))


def _check_ids(definition: Definition) -> None:
    seen: set[str] = set()
    problems = []
    steps = list(walk(definition.steps))
    for step, loc, nesting in steps:
        if step.id in seen:
            problems.append(
                FieldError(("definition", *loc, "id"), f"Step id {step.id!r} is used twice.")
            )
        if nesting >= MAX_NESTING:
            problems.append(
                FieldError(("definition", *loc), f"Branches nest at most {MAX_NESTING} deep.")
            )
        seen.add(step.id)
    if len(steps) > MAX_STEPS:
        problems.append(
            FieldError(("definition", "steps"), f"A workflow has at most {MAX_STEPS} steps.")
        )
    if problems:
        raise Invalid("The workflow definition is not valid.", problems)


STEP_TYPES = (
    "update_field", "assign_owner", "add_tag", "remove_tag", "create_task", "create_activity",
    "send_email", "notify", "create_record", "http_post", "wait", "branch",
)  # fmt: skip
TRIGGER_TYPES = (
    "record_created", "record_updated", "field_changed", "record_deleted", "date",
    "no_activity", "schedule", "manual", "webhook",
)  # fmt: skip
EVENT_TRIGGERS = {
    "record_created": "created",
    "record_updated": "updated",
    "field_changed": "updated",
    "record_deleted": "deleted",
}


def definition_schema() -> dict[str, Any]:
    return Definition.model_json_schema(by_alias=True)


def dump(definition: Definition) -> dict[str, Any]:
    return definition.model_dump(mode="json", by_alias=True, exclude_unset=True)


def step_label(step: Any) -> str:
    return step.name or re.sub("_", " ", step.type).capitalize()
