"""Writes about one exchange rate: create, update (If-Match), delete; and the rules of a rate."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.currencies.codes import is_currency, normalise
from rapport.currencies.decimals import decimal_text, parse_rate
from rapport.currencies.models import ExchangeRate
from rapport.currencies.queries import OBJECT_TYPE, base_currency

MANUAL = "manual"
EDITABLE = ("currency", "rate_on", "rate", "source")
MAX_SOURCE = 40


def snapshot(rate: ExchangeRate) -> dict[str, Any]:
    """A rate as the audit log keeps it (the rate as plain digits: "1.085")."""
    return {
        "currency": rate.currency,
        "rate_on": rate.rate_on,
        "rate": decimal_text(rate.rate),
        "source": rate.source,
    }


def clean_currency(raw: object, base: str) -> str:
    """The code as stored; ValueError when it is not an active ISO code or is the base."""
    code = normalise(raw)
    if not is_currency(code):
        raise ValueError("Choose an ISO 4217 currency code, e.g. EUR.")
    if code == base:
        raise ValueError(
            f"{code} is the base currency: other currencies' rates are stated in it, "
            "so it has no rate of its own."
        )
    return code


def clean_date(raw: object) -> dt.date:
    if isinstance(raw, dt.datetime):
        raise ValueError("Give a date without a time, e.g. 2025-01-31.")
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw or "").strip())
    except ValueError as exc:
        raise ValueError("Give the date as YYYY-MM-DD, e.g. 2025-01-31.") from exc


def _clean_source(raw: object) -> str:
    source = str(raw or "").strip()
    if not 0 < len(source) <= MAX_SOURCE:
        raise ValueError(f"A source has 1 to {MAX_SOURCE} characters, e.g. manual.")
    return source


def _clean(changes: dict[str, Any], base: str) -> dict[str, Any]:
    """Each given field as stored; every bad field is reported at once."""
    cleaners = {
        "currency": lambda raw: clean_currency(raw, base),
        "rate_on": clean_date,
        "rate": parse_rate,
        "source": _clean_source,
    }
    cleaned: dict[str, Any] = {}
    problems = [
        FieldError((name,), "This cannot be changed.") for name in changes if name not in cleaners
    ]
    for name, clean in cleaners.items():
        if name in changes:
            try:
                cleaned[name] = clean(changes[name])
            except ValueError as exc:
                problems.append(FieldError((name,), str(exc)))
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned


def _save(rate: ExchangeRate) -> None:
    try:
        with transaction.atomic():
            rate.save()
    except IntegrityError as exc:
        raise Conflict(
            f"{rate.currency} already has a rate on {rate.rate_on.isoformat()}; change that one."
        ) from exc


@transaction.atomic
def create_exchange_rate(
    principal: Principal,
    currency: str,
    rate_on: dt.date | str,
    rate: Any,
    source: str = MANUAL,
) -> ExchangeRate:
    """Add the rate of `currency` from `rate_on`: 1 currency = `rate` units of the base."""
    require(principal, "create", OBJECT_TYPE)
    fields = {"currency": currency, "rate_on": rate_on, "rate": rate, "source": source}
    row = ExchangeRate(
        workspace_id=principal.workspace_id,
        **_clean(fields, base_currency(principal.workspace_id)),
    )
    _save(row)
    record_change(principal, "create", OBJECT_TYPE, row, snapshot(row))
    return row


def _locked(principal: Principal, rate_id: int) -> ExchangeRate:
    row = (
        ExchangeRate.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=rate_id)
        .first()
    )
    if row is None:
        raise NotFound("exchange rate not found")
    return row


@transaction.atomic
def update_exchange_rate(
    principal: Principal,
    rate_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> ExchangeRate:
    """Change a rate's currency, date, value or source; a stale version is refused (412)."""
    row = _locked(principal, rate_id)
    require(principal, "edit", OBJECT_TYPE, row)
    check_version(row, expected_version)
    cleaned = _clean(changes, base_currency(principal.workspace_id))
    before = snapshot(row)
    for name, value in cleaned.items():
        setattr(row, name, value)
    changed = diff(before, snapshot(row))
    if changed:
        row.version += 1
        row.updated_at = timezone.now()
        _save(row)
        record_change(principal, "update", OBJECT_TYPE, row, changed)
    return row


@transaction.atomic
def delete_exchange_rate(
    principal: Principal, rate_id: int, expected_version: int | None = None
) -> None:
    """Delete a rate for good (the audit log keeps its last values)."""
    row = _locked(principal, rate_id)
    require(principal, "delete", OBJECT_TYPE, row)
    check_version(row, expected_version)
    record_change(principal, "delete", OBJECT_TYPE, row, snapshot(row))
    row.delete()
