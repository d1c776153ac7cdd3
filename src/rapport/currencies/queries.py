"""Reads about currencies: the rate list, and conversion to the base currency for other apps.

Conversion is what deals, board totals, forecasts and commissions call:

    table = RateTable.load(workspace_id, {"EUR", "CHF"})      # two queries, then pure lookups
    table.convert(Decimal("1200"), "EUR", deal.closed_on)      # Decimal | None
    convert_sum(table, ((d.amount, d.currency, d.closed_on) for d in deals))  # MoneySum

Which date to convert at is the caller's choice, and it should say which in its UI: a closed deal
converts at its close date (the money it brought then); an open deal at today's rate or at its
expected close date (a forecast). A rate applies from its `rate_on` until the currency's next
rate; a date before a currency's first rate uses that first rate, so old records still convert.
A currency with no rate at all converts to None, and `MoneySum.missing` names it, so a page can
say what a total leaves out instead of adding euros to dollars.

Rates are not secret to members, so conversion needs only the workspace id, not a Principal;
the list of rates (Settings, the API) is read through `visible` like any other resource.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.currencies.codes import normalise
from rapport.currencies.decimals import WIDE, quantize_money
from rapport.currencies.models import ExchangeRate
from rapport.workspaces.models import Workspace

OBJECT_TYPE = "exchange_rate"
LIST_FILTERS = {
    "currency": FilterField("currency"),
    "rate_on": FilterField("rate_on", "date"),
    "source": FilterField("source"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
LIST_SORTS = {"rate_on", "currency", "created_at", "updated_at", "id"}
DEFAULT_SORT = "-rate_on,currency"
ONE = Decimal(1)


def base_currency(workspace_id: int) -> str:
    """The workspace's base currency (the `default_currency` column)."""
    code = Workspace.objects.filter(pk=workspace_id).values_list("default_currency", flat=True)
    found = code.first()
    if found is None:
        raise NotFound("workspace not found")
    return found


def list_exchange_rates(principal: Principal, params: ListParams) -> Page[ExchangeRate]:
    qs = visible(principal, ExchangeRate.objects.all(), OBJECT_TYPE)
    qs = qs.filter(filters_q(LIST_FILTERS, params.filter))
    keys = parse_sort(params.sort, LIST_SORTS, DEFAULT_SORT)
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_exchange_rate(principal: Principal, rate_id: int) -> ExchangeRate:
    rate = visible(principal, ExchangeRate.objects.all(), OBJECT_TYPE).filter(pk=rate_id).first()
    if rate is None:
        raise NotFound("exchange rate not found")
    return rate


def rated_currencies(principal: Principal) -> list[str]:
    """The currencies that have at least one rate, by code (for the list's filter)."""
    qs = visible(principal, ExchangeRate.objects.all(), OBJECT_TYPE)
    return list(qs.order_by("currency").values_list("currency", flat=True).distinct())


def rate_counts(principal: Principal) -> dict[str, int]:
    """How many rates each currency has (what a change of base would restate)."""
    qs = visible(principal, ExchangeRate.objects.all(), OBJECT_TYPE)
    rows = qs.order_by().values("currency").annotate(count=Count("id"))
    return {row["currency"]: row["count"] for row in rows}


@dataclass(frozen=True)
class RateUsed:
    """The rate a conversion used; `rate_on` is None for the base currency (always 1)."""

    rate: Decimal
    rate_on: dt.date | None


@dataclass(frozen=True)
class _Series:
    dates: tuple[dt.date, ...]  # ascending
    rates: tuple[Decimal, ...]

    def on(self, day: dt.date) -> RateUsed:
        i = bisect.bisect_right(self.dates, day) - 1
        i = max(i, 0)  # before the first rate: the first rate
        return RateUsed(self.rates[i], self.dates[i])


@dataclass(frozen=True)
class RateTable:
    """A workspace's rates in memory: every lookup after `load` is free of queries."""

    base: str
    series: dict[str, _Series] = field(default_factory=dict)

    @classmethod
    def load(cls, workspace_id: int, currencies: Iterable[str] | None = None) -> RateTable:
        """The base currency and the rates of `currencies` (all when None): two queries, or
        one when only the base currency is asked for."""
        base = base_currency(workspace_id)
        qs = ExchangeRate.objects.filter(workspace_id=workspace_id)
        if currencies is not None:
            wanted = {normalise(code) for code in currencies} - {base}
            if not wanted:
                return cls(base)
            qs = qs.filter(currency__in=sorted(wanted))
        rows: dict[str, tuple[list[dt.date], list[Decimal]]] = {}
        ordered = qs.exclude(currency=base).order_by("currency", "rate_on")
        for code, rate_on, rate in ordered.values_list("currency", "rate_on", "rate"):
            dates, rates = rows.setdefault(code, ([], []))
            dates.append(rate_on)
            rates.append(rate)
        return cls(base, {code: _Series(tuple(d), tuple(r)) for code, (d, r) in rows.items()})

    def rate_used(self, currency: str, on: dt.date) -> RateUsed | None:
        """The rate that applies to `currency` on `on`, with its date; None without any rate."""
        code = normalise(currency)
        if code == self.base:
            return RateUsed(ONE, None)
        series = self.series.get(code)
        return series.on(on) if series is not None else None

    def rate(self, currency: str, on: dt.date) -> Decimal | None:
        """1 for the base currency; else the latest rate on or before `on` (the earliest when
        `on` precedes them all); None when the currency has no rate at all."""
        used = self.rate_used(currency, on)
        return used.rate if used is not None else None

    def convert(self, amount: Decimal, currency: str, on: dt.date) -> Decimal | None:
        """`amount` of `currency` in the base currency on `on`, rounded half up to cents."""
        rate = self.rate(currency, on)
        if rate is None:
            return None
        return quantize_money(WIDE.multiply(Decimal(amount), rate))


@dataclass(frozen=True)
class MoneySum:
    """A total in `currency` (the base) and the currencies left out of it for want of a rate."""

    amount: Decimal
    currency: str
    missing: frozenset[str]


def convert_sum(table: RateTable, items: Iterable[tuple[Decimal, str, dt.date]]) -> MoneySum:
    """The total of `(amount, currency, on)` items in the base currency.

    Exact products are added and the total is rounded once, so a hundred items do not carry a
    hundred roundings. Items whose currency has no rate are left out and named in `missing`.
    """
    total = Decimal(0)
    missing: set[str] = set()
    for amount, currency, on in items:
        rate = table.rate(currency, on)
        if rate is None:
            missing.add(normalise(currency))
        else:
            total = WIDE.add(total, WIDE.multiply(Decimal(amount), rate))
    return MoneySum(quantize_money(total), table.base, frozenset(missing))


def convert_to_base(
    workspace_id: int, amount: Decimal, currency: str, on: dt.date
) -> Decimal | None:
    """One conversion (loads what it needs); for many, load a RateTable once and reuse it."""
    return RateTable.load(workspace_id, [currency]).convert(amount, currency, on)
