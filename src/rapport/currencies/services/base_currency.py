"""Changing the workspace's base currency, which restates every exchange rate in the new base.

Rates mean "1 unit of C = r units of the base", so a new base B changes each of them: on date D,
C's rate becomes r / (B's rate on D), where B's rate on D is the one in force then (the latest on
or before D, else B's earliest). B's own rows go (the base has no rate), and the old base A gets
a row 1 / r for each date B had a rate r. Without any rate there is nothing to restate; with
rates but none for B there is nothing to restate them by, and the change is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import record_change
from rapport.core.errors import Invalid
from rapport.core.permissions import Principal, require
from rapport.currencies.codes import is_currency, normalise
from rapport.currencies.decimals import rebased
from rapport.currencies.models import ExchangeRate
from rapport.currencies.queries import RateTable
from rapport.workspaces.models import Workspace

BATCH = 1000


@dataclass(frozen=True)
class BaseChange:
    """What a change of base did: the old and new base and how many rates it restated."""

    previous: str
    base: str
    rebased: int


def needs_rate_message(code: str) -> str:
    return f"Enter an exchange rate for {code} first; rates are stored against the base currency."


def check_base_currency(principal: Principal, currency: str) -> str:
    """The new base as stored, or Invalid (on `currency`) when it cannot become the base.

    Pages call it to refuse at once rather than after asking for confirmation; it changes
    nothing, and `change_base_currency` checks again under lock.
    """
    require(principal, "edit", "workspace")
    return _checked(Workspace.objects.get(pk=principal.workspace_id), currency)


def _checked(workspace: Workspace, raw: object) -> str:
    code = normalise(raw)
    if code == workspace.default_currency:
        return code
    if not is_currency(code):
        raise Invalid.on("currency", "Choose an ISO 4217 currency code, e.g. EUR.")
    rates = ExchangeRate.objects.filter(workspace_id=workspace.pk)
    if rates.exists() and not rates.filter(currency=code).exists():
        raise Invalid.on("currency", needs_rate_message(code))
    return code


@transaction.atomic
def change_base_currency(principal: Principal, currency: str) -> BaseChange:
    """Make `currency` the workspace's base currency and restate every rate in it.

    Audited as one entry on the workspace (`default_currency: [old, new]`), not one per rate:
    every restated rate follows from that change and the rates in force, so an entry per row
    would repeat one fact thousands of times. Each restated row's version advances, so an edit
    made against its old value is refused.
    """
    require(principal, "edit", "workspace")
    workspace = Workspace.objects.select_for_update().get(pk=principal.workspace_id)
    rows = list(
        ExchangeRate.objects.select_for_update()
        .filter(workspace_id=workspace.pk)
        .order_by("currency", "rate_on")
    )
    code = _checked(workspace, currency)
    previous = workspace.default_currency
    if code == previous:
        return BaseChange(previous, code, 0)
    count = _rebase(workspace.pk, rows, previous, code) if rows else 0
    workspace.default_currency = code
    workspace.save(update_fields=["default_currency"])
    record_change(
        principal, "update", "workspace", workspace, {"default_currency": [previous, code]}
    )
    return BaseChange(previous, code, count)


def _rebase(workspace_id: int, rows: list[ExchangeRate], previous: str, code: str) -> int:
    """Restate `rows` against `code` with bulk writes (a delete, an update, an insert)."""
    table = RateTable.load(workspace_id, [code])
    now = timezone.now()
    new_base_rows = [row for row in rows if row.currency == code]
    changed: list[ExchangeRate] = []
    for row in rows:
        new_base_rate = table.rate(code, row.rate_on)
        if row.currency == code or new_base_rate is None:  # None cannot be: _checked saw some
            continue
        row.rate = _in_range(rebased(row.rate, new_base_rate), row.currency, row, code)
        row.version += 1
        row.updated_at = now
        changed.append(row)
    inverses = [
        ExchangeRate(
            workspace_id=workspace_id,
            currency=previous,
            rate_on=row.rate_on,
            rate=_in_range(rebased(Decimal(1), row.rate), previous, row, code),
            source=row.source,
        )
        for row in new_base_rows
    ]
    ExchangeRate.objects.filter(pk__in=[row.pk for row in new_base_rows]).delete()
    ExchangeRate.objects.bulk_update(changed, ["rate", "version", "updated_at"], batch_size=BATCH)
    ExchangeRate.objects.bulk_create(inverses, batch_size=BATCH)
    return len(changed) + len(inverses)


def _in_range(value: Decimal | None, currency: str, row: ExchangeRate, code: str) -> Decimal:
    if value is None:
        raise Invalid.on(
            "currency",
            f"In {code}, the rate of {currency} on {row.rate_on.isoformat()} would be too large "
            "or too small to store; correct that rate first.",
        )
    return value
