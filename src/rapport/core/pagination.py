"""Keyset (cursor) pagination with a bounded total: no list ever runs an unbounded COUNT(*)."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import F, Q

from rapport.core.audit import jsonable
from rapport.core.errors import Invalid

T = TypeVar("T", bound=models.Model)
TOTAL_CAP = 1000  # totals above this are reported as "at least 1000"
MAX_LIMIT = 200
CHUNK_SIZE = 1000  # rows per query of a full walk (keyset_chunks); read at call time


@dataclass(frozen=True)
class SortKey:
    """One ORDER BY term; `name` is a field or annotation on the queryset."""

    name: str
    descending: bool = False


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    total: int
    total_is_capped: bool


def parse_sort(raw: str | None, allowed: set[str], default: str) -> list[SortKey]:
    keys: list[SortKey] = []
    for part in (raw or default).split(","):
        part = part.strip()
        if not part:
            continue
        name = part.lstrip("-")
        if name not in allowed:
            raise Invalid.on(
                "sort", f"Cannot sort by {name!r}; choose from {', '.join(sorted(allowed))}."
            )
        keys.append(SortKey(name, part.startswith("-")))
    if not any(k.name == "id" for k in keys):
        keys.append(SortKey("id", keys[-1].descending if keys else False))
    return keys


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(jsonable(values)).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise Invalid.on(
            "cursor", "The cursor is not valid; start again from the first page."
        ) from exc
    if not isinstance(values, list) or len(values) != size:
        raise Invalid.on("cursor", "The cursor does not match this sort; start again.")
    return values


def _after(keys: list[SortKey], values: list[Any]) -> Q:
    """Rows strictly after `values` in the order of `keys` (NULLs sort last either way)."""
    condition = Q(pk__in=[])
    equal_so_far = Q()
    for key, value in zip(keys, values, strict=True):
        if value is None:
            step = Q(pk__in=[])  # nothing sorts after NULL except by a later key
            equal = Q(**{f"{key.name}__isnull": True})
        else:
            op = "lt" if key.descending else "gt"
            step = Q(**{f"{key.name}__{op}": value}) | Q(**{f"{key.name}__isnull": True})
            equal = Q(**{key.name: value})
        condition |= equal_so_far & step
        equal_so_far &= equal
    return condition


def _nullable(model: type[models.Model], name: str) -> bool:
    """Whether a sort key can be NULL: a nullable column, or an annotation (custom values)."""
    try:
        field = model._meta.get_field(name)
    except FieldDoesNotExist:
        return True
    return bool(getattr(field, "null", True))


def order_by(keys: list[SortKey], model: type[models.Model] | None = None) -> list[Any]:
    """ORDER BY terms; NULLs sort last, but only nullable keys say so.

    Saying NULLS LAST on a NOT NULL column changes nothing in the result yet stops PostgreSQL
    (for descending keys) and SQLite (for ascending ones) from reading an index in order, which
    turns a list's first page into a sort of the whole workspace.
    """
    terms: list[Any] = []
    for k in keys:
        nulls_last = True if model is None or _nullable(model, k.name) else None
        terms.append(
            F(k.name).desc(nulls_last=nulls_last)
            if k.descending
            else F(k.name).asc(nulls_last=nulls_last)
        )
    return terms


def keyset_page(
    queryset: models.QuerySet[T],
    keys: list[SortKey],
    limit: int,
    cursor: str | None,
    *,
    count: bool = True,
) -> Page[T]:
    """One page after `cursor`; `count=False` skips the capped total (it reads 0) for callers
    that count otherwise, such as the board's columns."""
    if limit < 1 or limit > MAX_LIMIT:
        raise Invalid.on("limit", f"limit must be between 1 and {MAX_LIMIT}.")
    total = queryset.order_by()[: TOTAL_CAP + 1].count() if count else 0
    qs = queryset.order_by(*order_by(keys, queryset.model))
    if cursor:
        qs = qs.filter(_after(keys, decode_cursor(cursor, len(keys))))
    rows = list(qs[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = items[-1]
        next_cursor = encode_cursor([getattr(last, k.name) for k in keys])
    return Page(items, next_cursor, min(total, TOTAL_CAP), total > TOTAL_CAP)


def keyset_chunks(queryset: models.QuerySet[T], keys: list[SortKey]) -> Iterator[list[T]]:
    """Every row in the order of `keys`, CHUNK_SIZE rows per query, for walks with no end cap.

    Each chunk is one keyset query (plus the queryset's prefetches), so memory stays flat however
    many rows match and no COUNT runs. The first chunk is read at once, so a failing query is
    raised to the caller before a streamed response has begun. Rows are not one snapshot: a row
    whose sort value changes during the walk may be missed or seen twice, as when paging a list.
    """
    size = CHUNK_SIZE
    ordered = queryset.order_by(*order_by(keys, queryset.model))
    return _chunks_from(ordered, keys, size, list(ordered[:size]))


def _chunks_from(
    ordered: models.QuerySet[T], keys: list[SortKey], size: int, chunk: list[T]
) -> Iterator[list[T]]:
    while chunk:
        yield chunk
        if len(chunk) < size:
            return
        last = [getattr(chunk[-1], k.name) for k in keys]
        chunk = list(ordered.filter(_after(keys, last))[:size])
