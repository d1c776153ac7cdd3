"""The workflow builder as a tree the templates draw: the trigger's inputs, the condition
groups (a group's rows may be groups) and the steps (a branch holds two more lists of steps).

Input names are those `builder.definition_from_post` reads back (see automation.controls).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from rapport.automation.builder import (
    NOT_EMPTY,
    as_group,
    group_rows,
    is_group,
    post_from_definition,
)
from rapport.automation.choices import BuilderChoices, Options
from rapport.automation.controls import BuilderForm, Control, ErrorBook, SummaryItem
from rapport.automation.definitions import MAX_NESTING
from rapport.automation.describe import OPERATORS, STEP_LABELS, TRIGGER_LABELS
from rapport.automation.step_inputs import STEP_INPUTS
from rapport.core.errors import FieldError

RECORD_TYPE_OPTIONS: Options = (
    ("contact", "Contact"),
    ("company", "Company"),
    ("deal", "Deal"),
    ("activity", "Activity"),
    ("ticket", "Ticket"),
)
OBJECT_TYPES: dict[str, Options] = {
    "no_activity": RECORD_TYPE_OPTIONS[:3],
    "schedule": RECORD_TYPE_OPTIONS[:3],
    "webhook": (("", "No record"), ("contact", "Contact (by contact_id or email)")),
}
OPERATOR_OPTIONS: Options = tuple(OPERATORS.items())
STEP_OPTIONS: Options = tuple(STEP_LABELS.items())
MATCH_OPTIONS: Options = (("all", "All of these are true"), ("any", "Any of these is true"))
WEEKDAY_OPTIONS: Options = tuple(
    (str(i), day) for i, day in enumerate(("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
)


@dataclass
class ConditionBlock:
    """A condition group (its all / any and its rows) or one field test."""

    prefix: str
    is_group: bool
    controls: list[Control]
    errors: list[str]
    rows: list[ConditionBlock] = field(default_factory=list)
    can_add_group: bool = False


@dataclass
class StepBlock:
    prefix: str
    step_id: str
    type: str
    title: str
    hidden: list[tuple[str, str]]
    controls: list[Control]
    errors: list[str]
    number: int = 0
    is_first: bool = False
    is_last: bool = False
    condition: ConditionBlock | None = None
    then: StepListBlock | None = None
    otherwise: StepListBlock | None = None


@dataclass
class StepListBlock:
    prefix: str
    steps: list[StepBlock]
    errors: list[str]
    step_types: Options


@dataclass
class Builder:
    name: Control
    description: Control
    trigger: list[Control]
    trigger_errors: list[str]
    conditions: ConditionBlock
    steps: StepListBlock
    summary: list[SummaryItem]
    general: list[str]
    datalists: dict[str, Options]
    has_record: bool


# --- Trigger ------------------------------------------------------------------------------------


def _trigger(form: BuilderForm) -> list[Control]:
    kind = form.value("trigger-type")
    c = form.control
    controls = [
        c("trigger-type", "When", "select", options=tuple(TRIGGER_LABELS.items()), refresh=True),
        c("trigger-object_type", "Record type", "select",
          options=OBJECT_TYPES.get(kind, RECORD_TYPE_OPTIONS), refresh=True),
    ]  # fmt: skip
    fields = form.choices
    if kind == "field_changed":
        known = {f.name: f for f in (*fields.condition_fields, *fields.writable_fields)}
        controls += [
            form.field_select("trigger-field", "Field", list(known.values())),
            c("trigger-from", "From", hint="Leave empty for any value."),
            c("trigger-to", "To", hint="Leave empty for any value."),
        ]
    elif kind == "date":
        controls += [
            form.field_select("trigger-field", "Date field", fields.date_fields),
            c("trigger-offset_days", "Days from the date", "number",
              hint="-3: three days before; 2: two days after."),
            c("trigger-at", "At", "time"),
            c("trigger-every_year", "Every year (birthdays, anniversaries)", "checkbox"),
        ]  # fmt: skip
    elif kind == "no_activity":
        controls.append(c("trigger-days", "Days without activity", "number"))
    elif kind == "schedule":
        controls += [
            c("trigger-weekdays", "On", "checkboxes", options=WEEKDAY_OPTIONS),
            c("trigger-at", "At", "time"),
        ]
    return controls


# --- Conditions ---------------------------------------------------------------------------------


def _condition_group(
    form: BuilderForm, group: dict[str, Any], prefix: str, label: str, depth: int
) -> ConditionBlock:
    errors = form.book.block(prefix, label)
    match = form.control(f"{prefix}-match", "Match", "select", options=MATCH_OPTIONS)
    rows = []
    for i, row in enumerate(group_rows(group)[1]):
        where = f"{label} / condition {i + 1}"
        if is_group(row):
            rows.append(_condition_group(form, row, f"{prefix}-{i}", where, depth + 1))
        else:
            rows.append(_condition(form, f"{prefix}-{i}", where))
    return ConditionBlock(prefix, True, [match], errors, rows, can_add_group=depth == 0)


def _condition(form: BuilderForm, prefix: str, label: str) -> ConditionBlock:
    errors = form.book.block(prefix, label)
    chosen = form.choices.field(form.value(f"{prefix}-field"))
    op = form.value(f"{prefix}-op")
    controls = [
        form.field_select(f"{prefix}-field", "Field", form.choices.condition_fields),
        form.control(f"{prefix}-op", "Test", "select", options=OPERATOR_OPTIONS, refresh=True),
    ]
    if op not in ("is-empty", NOT_EMPTY):
        hint = "Separate values with commas." if op == "in" else ""
        value = form.control(f"{prefix}-value", "Value", datalist=form.datalist(chosen), hint=hint)
        controls.append(value)
    return ConditionBlock(prefix, False, controls, errors)


# --- Steps --------------------------------------------------------------------------------------


def _step(
    form: BuilderForm, step: dict[str, Any], prefix: str, label: str, depth: int
) -> StepBlock:
    kind = str(step.get("type", ""))
    title = STEP_LABELS.get(kind, kind)
    errors = form.book.block(prefix, f"{label} · {title}")
    hidden = [(f"{prefix}-id", form.value(f"{prefix}-id")), (f"{prefix}-type", kind)]
    controls = STEP_INPUTS[kind](form, prefix) if kind in STEP_INPUTS else []
    controls.append(form.control(f"{prefix}-name", "Label (optional)"))
    if kind == "update_field":
        chosen = form.choices.field(form.value(f"{prefix}-field"))
        kept = form.value(f"{prefix}-value_kind") or "text"
        hidden.append((f"{prefix}-value_kind", chosen.value_kind if chosen else kept))
    block = StepBlock(prefix, str(step.get("id", "")), kind, title, hidden, controls, errors)
    if kind == "branch":
        condition = as_group(step.get("if"))
        block.condition = _condition_group(form, condition, f"{prefix}-if", f"{label} / if", 0)
        block.then = _steps(
            form, step.get("then") or [], f"{prefix}-then", f"{label} / then", depth + 1
        )
        block.otherwise = _steps(
            form, step.get("else") or [], f"{prefix}-else", f"{label} / else", depth + 1
        )
    return block


def _steps(
    form: BuilderForm, steps: Sequence[Any], prefix: str, label: str, depth: int
) -> StepListBlock:
    errors = form.book.block(prefix, label)
    blocks = []
    for i, step in enumerate(steps):
        where = f"{label} / step {i + 1}" if depth else f"Step {i + 1}"
        block = _step(form, step if isinstance(step, dict) else {}, f"{prefix}-{i}", where, depth)
        block.number, block.is_first, block.is_last = i + 1, i == 0, i == len(steps) - 1
        blocks.append(block)
    types = STEP_OPTIONS if depth < MAX_NESTING - 1 else STEP_OPTIONS[:-1]
    return StepListBlock(prefix, blocks, errors, types)


# --- The builder --------------------------------------------------------------------------------


def build_builder(
    definition: dict[str, Any],
    meta: dict[str, str],
    choices: BuilderChoices,
    errors: Sequence[FieldError] = (),
    focus: str = "",
) -> Builder:
    """The builder for this definition and the workflow's name and description (`meta`)."""
    values = post_from_definition(definition)
    values |= {"name": [meta.get("name", "")], "description": [meta.get("description", "")]}
    book = ErrorBook(errors)
    form = BuilderForm(values, choices, book, focus)
    name = form.control("name", "Name")
    hint = "For your colleagues: what it does and why."
    description = form.control("description", "Description", "textarea", hint=hint)
    trigger_errors = book.block("trigger", "Trigger")
    trigger = _trigger(form)
    group = as_group(definition.get("conditions"))
    conditions = _condition_group(form, group, "cond", "Conditions", 0)
    steps = _steps(form, definition.get("steps") or [], "steps", "Steps", 0)
    return Builder(
        name=name,
        description=description,
        trigger=trigger,
        trigger_errors=trigger_errors,
        conditions=conditions,
        steps=steps,
        summary=book.settle(),
        general=book.general,
        datalists=form.datalists,
        has_record=choices.object_type is not None,
    )
