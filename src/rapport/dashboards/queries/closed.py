"""Deals closed in the period (win rate, average won deal, sales cycle, win rate by owner) and
won deals per month over the last twelve months.

Each is one aggregate grouped by owner, outcome, currency and close date; amounts convert at the
close date's rate (the money the deal brought then). The sales cycle is summed in the database
(close date minus the creation day, per deal) and divided here.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum
from django.db.models.functions import TruncDate

from rapport.core.permissions import Principal
from rapport.currencies.queries import RateTable
from rapport.dashboards.queries.scope import (
    TENTH,
    ZERO,
    cents,
    filtered_deals,
    label_of,
    percent,
)
from rapport.dashboards.sales_filters import SalesFilters
from rapport.forecasts.periods import period_of

MONTHS_BACK = 12


@dataclass
class Tally:
    """Won and lost deals of one owner (or of everyone), amounts in the base currency."""

    won: int = 0
    lost: int = 0
    won_amount: Decimal = ZERO
    lost_amount: Decimal = ZERO
    won_priced: int = 0  # won deals whose amount is in won_amount
    cycle_days: int = 0  # summed over won deals

    def add(self, other: Tally) -> None:
        for name in ("won", "lost", "won_amount", "lost_amount", "won_priced", "cycle_days"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def win_rate(self) -> Decimal | None:
        return percent(self.won, self.won + self.lost)

    @property
    def win_rate_by_amount(self) -> Decimal | None:
        return percent(self.won_amount, self.won_amount + self.lost_amount)


@dataclass(frozen=True)
class OwnerTally:
    user_id: int | None
    label: str
    tally: Tally


@dataclass(frozen=True)
class ClosedFigures:
    total: Tally
    owners: list[OwnerTally]  # best win rate first
    missing: frozenset[str] = field(default_factory=frozenset)

    @property
    def average_won_amount(self) -> Decimal | None:
        if not self.total.won_priced:
            return None
        return cents(self.total.won_amount / self.total.won_priced)

    @property
    def average_cycle_days(self) -> Decimal | None:
        if not self.total.won:
            return None
        return (Decimal(self.total.cycle_days) / self.total.won).quantize(TENTH, ROUND_HALF_UP)


def _days(value: object) -> int:
    """A summed duration as whole days (backends return a timedelta, or None for no rows)."""
    if isinstance(value, dt.timedelta):
        return value.days
    return 0


def _convert(
    table: RateTable, amount: Decimal | None, currency: str, on: dt.date, missing: set[str]
) -> Decimal | None:
    if amount is None:
        return None
    converted = table.convert(amount, currency, on)
    if converted is None:
        missing.add(currency)
    return converted


def closed_in_period(
    principal: Principal, filters: SalesFilters, labels: dict[int, str]
) -> ClosedFigures:
    cycle = ExpressionWrapper(
        F("closed_on") - TruncDate("created_at"), output_field=DurationField()
    )
    rows = list(
        filtered_deals(principal, filters)
        .filter(stage__kind__in=("won", "lost"), closed_on__range=(filters.start, filters.end))
        .values_list("owner_id", "stage__kind", "currency", "closed_on")
        .annotate(
            n=Count("id"),
            priced=Count("amount"),
            total=Sum("amount"),
            cycle=Sum(cycle, filter=Q(stage__kind="won")),
        )
    )
    table = RateTable.load(principal.workspace_id, {r[2] for r in rows})
    by_owner: dict[int, Tally] = defaultdict(Tally)
    missing: set[str] = set()
    for owner_id, kind, currency, closed_on, n, priced, amount, days in rows:
        tally = by_owner[owner_id or 0]
        converted = _convert(table, amount, currency, closed_on, missing)
        if kind == "won":
            tally.won += n
            tally.cycle_days += _days(days)
            if converted is not None:
                tally.won_amount += converted
                tally.won_priced += priced
        else:
            tally.lost += n
            tally.lost_amount += converted or ZERO
    total = Tally()
    for tally in by_owner.values():
        total.add(tally)
    owners = [OwnerTally(u or None, label_of(labels, u), t) for u, t in by_owner.items()]
    owners.sort(key=lambda o: (-(o.tally.win_rate or 0), -o.tally.won, o.label.lower()))
    return ClosedFigures(total, owners, frozenset(missing))


@dataclass(frozen=True)
class MonthFigures:
    month: dt.date  # its first day
    count: int
    amount: Decimal


@dataclass(frozen=True)
class WonByMonth:
    months: list[MonthFigures]  # oldest first, this month last
    missing: frozenset[str]


def won_by_month(principal: Principal, filters: SalesFilters) -> WonByMonth:
    """Won deals per month over the twelve months up to this one (the period filter aside)."""
    this_month = period_of("month", filters.today)
    first = this_month.shifted(1 - MONTHS_BACK)
    rows = list(
        filtered_deals(principal, filters)
        .filter(stage__kind="won", closed_on__range=(first.start, this_month.end))
        .values_list("currency", "closed_on")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    table = RateTable.load(principal.workspace_id, {r[0] for r in rows})
    counts: dict[dt.date, int] = defaultdict(int)
    amounts: dict[dt.date, Decimal] = defaultdict(lambda: ZERO)
    missing: set[str] = set()
    for currency, closed_on, n, amount in rows:
        month = closed_on.replace(day=1)
        counts[month] += n
        amounts[month] += _convert(table, amount, currency, closed_on, missing) or ZERO
    months = [first.shifted(n).start for n in range(MONTHS_BACK)]
    figures = [MonthFigures(m, counts[m], amounts[m]) for m in months]
    return WonByMonth(figures, frozenset(missing))
