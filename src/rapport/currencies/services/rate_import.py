"""Importing exchange rates from CSV: all rows or none, in a handful of bulk statements.

The file has a header naming the columns `currency`, `date` and `rate` (in any order) and one
rate per row, dates as YYYY-MM-DD. A (currency, date) the workspace already has is updated, a
new one created, an equal one left alone. Any bad row refuses the whole file, with one error per
bad row and column at `("rows", <row>, <column>)`, where <row> is the row's number in the file
as a spreadsheet shows it (the header is row 1).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, jsonable
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal, require
from rapport.currencies.decimals import parse_rate
from rapport.currencies.models import ExchangeRate
from rapport.currencies.queries import OBJECT_TYPE, base_currency
from rapport.currencies.services.rates import clean_currency, clean_date, snapshot

CSV_SOURCE = "csv"
COLUMNS = ("currency", "date", "rate")
MAX_ROWS = 50_000
MAX_ERRORS = 200  # a file of mistakes answers with the first ones, not a megabyte of them
BATCH = 1000


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int


@dataclass(frozen=True)
class _Row:
    number: int
    currency: str
    rate_on: dt.date
    rate: Decimal


@transaction.atomic
def import_exchange_rates(principal: Principal, csv_text: str) -> ImportResult:
    """Create or update the rates a CSV file lists, auditing each row created or changed."""
    require(principal, "import", OBJECT_TYPE)
    rows = _parse(csv_text, base_currency(principal.workspace_id))
    existing = {
        (row.currency, row.rate_on): row
        for row in ExchangeRate.objects.select_for_update().filter(
            workspace_id=principal.workspace_id,
            currency__in={row.currency for row in rows},
            rate_on__range=(min(r.rate_on for r in rows), max(r.rate_on for r in rows)),
        )
    }
    now = timezone.now()
    created: list[ExchangeRate] = []
    updated: list[tuple[ExchangeRate, dict[str, list[Any]]]] = []
    for row in rows:
        current = existing.get((row.currency, row.rate_on))
        if current is None:
            created.append(
                ExchangeRate(
                    workspace_id=principal.workspace_id,
                    currency=row.currency,
                    rate_on=row.rate_on,
                    rate=row.rate,
                    source=CSV_SOURCE,
                )
            )
        elif current.rate != row.rate:
            before = snapshot(current)
            current.rate, current.source = row.rate, CSV_SOURCE
            current.version += 1
            current.updated_at = now
            updated.append((current, diff(before, snapshot(current))))
    _write(created, [row for row, _ in updated])
    _audit(
        principal,
        [("create", row, snapshot(row)) for row in created]
        + [("update", row, changes) for row, changes in updated],
    )
    return ImportResult(len(created), len(updated), len(rows) - len(created) - len(updated))


def _write(created: list[ExchangeRate], updated: list[ExchangeRate]) -> None:
    try:
        with transaction.atomic():
            ExchangeRate.objects.bulk_create(created, batch_size=BATCH)
    except IntegrityError as exc:  # another import or edit added one of these meanwhile
        raise Conflict("Some of these rates were added meanwhile; import the file again.") from exc
    fields = ["rate", "source", "version", "updated_at"]
    ExchangeRate.objects.bulk_update(updated, fields, batch_size=BATCH)


def _audit(principal: Principal, changes: list[tuple[str, ExchangeRate, dict[str, Any]]]) -> None:
    """The entries `core.audit.record_change` writes, one per row, in bulk.

    Exchange rates emit no domain events (nothing consumes them; see apps.py), so an audit
    entry is all that record_change would write for each row.
    """
    label = str(principal.extra.get("label", "")) or ("system" if principal.is_system else "")
    entries = [
        AuditEntry(
            workspace_id=principal.workspace_id,
            actor_user_id=principal.user_id,
            actor_token_id=principal.token_id,
            actor_label=label[:200],
            action=action,
            object_type=OBJECT_TYPE,
            object_id=row.pk,
            object_repr=str(row)[:300],
            changes=jsonable(row_changes),
            request_id=principal.request_id,
        )
        for action, row, row_changes in changes
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)


def _records(csv_text: str) -> Iterator[tuple[int, list[str]]]:
    """(row number, cells) of every row that has a value; the first one is the header."""
    reader = csv.reader(io.StringIO(csv_text.removeprefix("\ufeff")))
    try:
        for number, cells in enumerate(reader, start=1):
            if any(cell.strip() for cell in cells):
                yield number, cells
    except csv.Error as exc:
        raise Invalid.on("csv", f"This is not a CSV file we can read ({exc}).") from exc


def _header(records: Iterator[tuple[int, list[str]]]) -> dict[str, int]:
    """Where each column is; Invalid unless the header names exactly the three columns."""
    first = next(records, None)
    names = [cell.strip().lower() for cell in first[1]] if first else []
    if sorted(names) != sorted(COLUMNS):
        raise Invalid.on(
            "csv", "The first row must name the columns: currency,date,rate (in any order)."
        )
    return {name: names.index(name) for name in COLUMNS}


def _parse(csv_text: str, base: str) -> list[_Row]:
    """Every row checked; Invalid with the problems of all bad rows, or the rows."""
    records = _records(csv_text)
    columns = _header(records)
    cleaners = {
        "currency": lambda raw: clean_currency(raw, base),
        "date": clean_date,
        "rate": parse_rate,
    }
    rows: list[_Row] = []
    problems: list[FieldError] = []
    seen: dict[tuple[str, dt.date], int] = {}
    for count, (number, cells) in enumerate(records, start=1):
        if count > MAX_ROWS:
            raise Invalid.on("csv", f"A file has at most {MAX_ROWS:,} rates; split it.")
        if len(cells) > len(COLUMNS):
            problems.append(FieldError(("rows", number), "This row has more values than columns."))
            continue
        values: dict[str, Any] = {}
        for name, index in columns.items():
            try:
                values[name] = cleaners[name](cells[index].strip() if index < len(cells) else "")
            except ValueError as exc:
                problems.append(FieldError(("rows", number, name), str(exc)))
        if len(values) < len(COLUMNS):
            continue
        key = (values["currency"], values["date"])
        if key in seen:
            message = f"{key[0]} on {key[1].isoformat()} is already on row {seen[key]}."
            problems.append(FieldError(("rows", number, "date"), message))
            continue
        seen[key] = number
        rows.append(_Row(number, *key, values["rate"]))
    if problems:
        summary = f"{len(problems)} problem(s) in the file; nothing was imported."
        raise Invalid(summary, problems[:MAX_ERRORS])
    if not rows:
        raise Invalid.on("csv", "The file lists no rates under its header.")
    return rows
