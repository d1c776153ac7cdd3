"""Workflow conditions as database filters: the API's operators, run by the database.

A condition tree becomes one Q object over the record type's filters (standard, related and
custom fields), so a condition means exactly what the same filter means in a list, and testing
many records at once (a schedule, a date trigger) is one query.
"""

from __future__ import annotations

from typing import Any

from django.db.models import BooleanField, ExpressionWrapper, Q

from rapport.automation.definitions import Condition
from rapport.automation.record_types import RecordType
from rapport.core.errors import FieldError, Invalid
from rapport.core.filters import FilterField, term_q
from rapport.core.permissions import Principal


def _raw(value: Any) -> str:
    """A condition value as a filter term writes it."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ",".join(_raw(v) for v in value)
    return "" if value is None else str(value)


def condition_q(
    condition: Condition,
    fields: dict[str, FilterField],
    loc: tuple[str | int, ...] = ("definition", "conditions"),
) -> Q:
    """The Q of a condition tree; Invalid names the path of each bad leaf."""
    if condition.all is not None or condition.any is not None:
        key = "all" if condition.all is not None else "any"
        children = condition.all if condition.all is not None else condition.any
        combined = Q()
        problems: list[FieldError] = []
        for i, child in enumerate(children or []):
            try:
                q = condition_q(child, fields, (*loc, key, i))
            except Invalid as exc:
                problems.extend(exc.errors)
                continue
            combined = combined & q if key == "all" else combined | q
        if problems:
            raise Invalid("Some conditions are not valid.", problems)
        return combined
    term = f"{condition.field}:{condition.op}:{_raw(condition.value)}"
    try:
        return term_q(fields, term)
    except Invalid as exc:
        messages = "; ".join(e.msg for e in exc.errors) or exc.detail
        raise Invalid.on((*loc, "field"), messages) from exc


def matching_ids(
    principal: Principal, kind: RecordType, condition: Condition | None, ids: list[int]
) -> set[int]:
    """Which of these records meet the condition (all of them when there is none)."""
    queryset = kind.queryset(principal).filter(pk__in=ids)
    if condition is not None:
        fields = kind.condition_fields(principal.workspace_id)
        queryset = kind.with_custom(queryset, principal.workspace_id).filter(
            condition_q(condition, fields)
        )
    return set(queryset.values_list("pk", flat=True).distinct())


def record_matches(
    principal: Principal, kind: RecordType, condition: Condition | None, record_id: int
) -> bool:
    return record_id in matching_ids(principal, kind, condition, [record_id])


def _leaves(condition: Condition) -> list[Condition]:
    groups = (condition.all or []) + (condition.any or [])
    if condition.all is None and condition.any is None:
        return [condition]
    return [leaf for child in groups for leaf in _leaves(child)]


def _has_many(condition: Condition, fields: dict[str, FilterField]) -> bool:
    """Whether a leaf tests a many-valued field (tags, emails): such a condition is tested
    with filter(), whose "has none equal" semantics a per-row annotation cannot give."""
    return any(getattr(fields.get(leaf.field or ""), "many", False) for leaf in _leaves(condition))


def matching_workflows(
    principal: Principal,
    kind: RecordType,
    conditions: dict[int, Condition | None],
    record_id: int,
) -> set[int]:
    """Which workflows' conditions the record meets, in one query for all of them (each
    condition an annotated boolean), so 100 active workflows cost one query per event."""
    fields = kind.condition_fields(principal.workspace_id)
    tested = {k: c for k, c in conditions.items() if c is not None and not _has_many(c, fields)}
    one_by_one = {k: c for k, c in conditions.items() if c is not None and k not in tested}
    queryset = kind.with_custom(
        kind.queryset(principal).filter(pk=record_id), principal.workspace_id
    )
    flags = {f"w{k}": ExpressionWrapper(condition_q(c, fields), output_field=BooleanField())
             for k, c in tested.items()}  # fmt: skip
    rows = list(queryset.annotate(**flags).values_list("pk", *flags))
    if not rows:
        return set()  # gone, or not visible
    matched = {k for k, c in conditions.items() if c is None}
    matched |= {k for i, k in enumerate(tested, start=1) if any(row[i] for row in rows)}
    matched |= {k for k, c in one_by_one.items() if record_matches(principal, kind, c, record_id)}
    return matched
