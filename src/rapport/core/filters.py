"""List filters shared by the API and the pages: `field:operator:value` terms become Q objects.

Operators: eq, neq, contains, starts-with, gt, gte, lt, lte, in (comma-separated), is-empty
(value true/false). Each resource declares which fields can be filtered and their kinds, so a
value is coerced (and rejected with a field-level error) before it reaches the database.

Text compares case-insensitively. A "choice" (a field holding one of fixed lower-case values,
like a lifecycle stage) compares exactly, with the value lower-cased: on SQLite a
case-insensitive comparison is a LIKE, which no index answers.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from rapport.core.errors import FieldError, Invalid

OPERATORS = ("eq", "neq", "contains", "starts-with", "gt", "gte", "lt", "lte", "in", "is-empty")
TEXT_ONLY = {"contains", "starts-with"}
TEXTUAL = {"text", "choice"}


def _bool(raw: str) -> bool:
    if raw.lower() in {"true", "1", "yes"}:
        return True
    if raw.lower() in {"false", "0", "no"}:
        return False
    raise ValueError("expected true or false")


def _id(raw: str) -> int:
    value = int(raw)
    if not 1 <= value < 2**63:
        raise ValueError("ids are whole numbers from 1 to 2^63-1")
    return value


COERCE: dict[str, Callable[[str], Any]] = {
    "text": str,
    "choice": lambda raw: raw.strip().lower(),
    "integer": int,
    "decimal": decimal.Decimal,
    "date": dt.date.fromisoformat,
    "datetime": dt.datetime.fromisoformat,
    "boolean": _bool,
    "id": _id,
}


@dataclass(frozen=True)
class FilterField:
    """A filterable field: `path` is the ORM lookup path, `kind` a key of COERCE."""

    path: str
    kind: str = "text"
    # Set for a multi-valued relation (tags, emails) so "neq" means "has none equal".
    many: bool = False


def parse_term(term: str) -> tuple[str, str, str]:
    parts = term.split(":", 2)
    if len(parts) == 2 and parts[1] == "is-empty":
        parts.append("true")
    if len(parts) != 3:
        raise Invalid.on("filter", f"Filter {term!r} must look like field:operator:value.")
    return parts[0], parts[1], parts[2]


def _coerce(field: FilterField, name: str, raw: str) -> Any:
    try:
        return COERCE[field.kind](raw)
    except (ValueError, decimal.InvalidOperation) as exc:
        raise Invalid.on(
            ("filter", name), f"{raw!r} is not a valid {field.kind} for {name}."
        ) from exc


def term_q(fields: dict[str, FilterField], term: str) -> Q:
    name, op, raw = parse_term(term)
    field = fields.get(name)
    if field is None:
        raise Invalid.on(("filter", name), f"Cannot filter by {name!r}.")
    if op not in OPERATORS:
        raise Invalid.on(
            ("filter", name), f"Unknown operator {op!r}; use one of {', '.join(OPERATORS)}."
        )
    if op in TEXT_ONLY and field.kind not in TEXTUAL:
        raise Invalid.on(("filter", name), f"{op} works on text fields only.")
    path = field.path
    if op == "is-empty":
        empty = Q(**{f"{path}__isnull": True})
        if field.kind in TEXTUAL:
            empty |= Q(**{path: ""})
        return empty if _coerce(FilterField(path, "boolean"), name, raw) else ~empty
    if op == "in":
        values = [_coerce(field, name, v) for v in raw.split(",") if v != ""]
        return Q(**{f"{path}__in": values})
    value = _coerce(field, name, raw)
    lookup = {
        "eq": "exact",
        "neq": "exact",
        "contains": "icontains",
        "starts-with": "istartswith",
        "gt": "gt",
        "gte": "gte",
        "lt": "lt",
        "lte": "lte",
    }[op]
    if field.kind == "text" and lookup == "exact":
        lookup = "iexact"
    q = Q(**{f"{path}__{lookup}": value})
    return ~q if op == "neq" else q


def filters_q(fields: dict[str, FilterField], terms: list[str]) -> Q:
    """AND of all terms; every bad term is reported together."""
    combined = Q()
    problems: list[FieldError] = []
    for term in terms:
        try:
            combined &= term_q(fields, term)
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid("Some filters are not valid.", problems)
    return combined
