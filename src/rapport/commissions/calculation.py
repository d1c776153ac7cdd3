"""The arithmetic of commissions, as pure functions over plain values (no database).

A month's **attainment** is the rep's closed-won amount of the month (every won deal, in the
base currency, as on the forecast) in percent of the month's quota. Each won deal earns under
the plan assigned to its owner on its close date; a deal with no plan earns nothing but still
counts towards attainment.

- A part of a deal whose line items belong to a product category with its own rate earns that
  rate, whatever the attainment.
- The rest earns the plan's tier rate. **Retroactive** plans (the default) pay the tier reached
  by the month's attainment on the whole month, so crossing a tier re-rates every deal of the
  month. **Marginal** plans pay each slice of the month's won amount at the tier it falls in:
  deals are taken in close-date order and a deal that crosses a boundary is split into one line
  per tier.
- Without tiers, or without a quota for the month, the plan's base rate applies.

Every line's commission is rounded half up to cents; a statement's total is the sum of its lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal

WIDE = Context(prec=60, rounding=ROUND_HALF_UP)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)
ZERO = Decimal("0.00")


def cents(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, context=WIDE)
    return rounded.copy_abs() if rounded.is_zero() else rounded


def commission_of(amount: Decimal, rate: Decimal) -> Decimal:
    """`rate` percent of `amount`, rounded half up to cents."""
    return cents(WIDE.divide(WIDE.multiply(amount, rate), HUNDRED))


@dataclass(frozen=True)
class PlanTerms:
    """A plan's rates as the calculation needs them."""

    name: str
    base_rate: Decimal
    tier_mode: str = "retroactive"
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()  # (from attainment %, rate %), ascending
    category_rates: tuple[tuple[str, Decimal], ...] = ()

    def category_rate(self, category: str) -> Decimal | None:
        return next((rate for name, rate in self.category_rates if name == category), None)

    def tier_rate(self, attainment: Decimal | None) -> Decimal:
        """The rate of the tier `attainment` reached; the base rate without tiers or quota."""
        if not self.tiers or attainment is None:
            return self.base_rate
        reached = [rate for start, rate in self.tiers if attainment >= start]
        return reached[-1] if reached else self.tiers[0][1]

    def is_marginal(self, quota: Decimal | None) -> bool:
        return self.tier_mode == "marginal" and bool(self.tiers) and bool(quota)


@dataclass(frozen=True)
class Portion:
    """A part of a deal earning one kind of rate: a category's ("" for the tier rate)."""

    category: str
    source_amount: Decimal  # in the deal's currency
    amount: Decimal  # in the base currency


@dataclass(frozen=True)
class DealCredit:
    """A won deal of the month, converted, with the plan it earns under (None: no plan)."""

    deal_id: int
    deal_name: str
    closed_on: dt.date
    currency: str
    portions: tuple[Portion, ...]
    plan: PlanTerms | None

    @property
    def amount(self) -> Decimal:
        return sum((p.amount for p in self.portions), ZERO)


@dataclass(frozen=True)
class LineSpec:
    """A credit line to write."""

    deal_id: int
    deal_name: str
    closed_on: dt.date
    plan_name: str
    category: str
    source_amount: Decimal
    source_currency: str
    amount: Decimal
    rate: Decimal
    commission: Decimal


@dataclass(frozen=True)
class MonthResult:
    won_amount: Decimal
    attainment: Decimal | None
    tier_rate: Decimal | None
    lines: tuple[LineSpec, ...]

    @property
    def commission(self) -> Decimal:
        return sum((line.commission for line in self.lines), ZERO)


def attainment_of(won: Decimal, quota: Decimal | None) -> Decimal | None:
    if not quota:
        return None
    return cents(WIDE.divide(WIDE.multiply(won, HUNDRED), quota))


def calculate_month(deals: Iterable[DealCredit], quota: Decimal | None) -> MonthResult:
    """The credit lines of one rep's month (see the module's docstring for the rules)."""
    ordered = sorted(deals, key=lambda d: (d.closed_on, d.deal_id))
    won = sum((d.amount for d in ordered), ZERO)
    attainment = attainment_of(won, quota)
    lines: list[LineSpec] = []
    position = ZERO  # the month's won amount before the portion at hand (marginal tiers)
    last_plan: PlanTerms | None = None
    for deal in ordered:
        for portion in deal.portions:
            if deal.plan is not None:
                last_plan = deal.plan
                lines.extend(_portion_lines(deal, portion, attainment, quota, position))
            position += portion.amount
    tier_rate = last_plan.tier_rate(attainment) if last_plan else None
    return MonthResult(won, attainment, tier_rate, tuple(lines))


def _line(
    deal: DealCredit, portion: Portion, amount: Decimal, source: Decimal, rate: Decimal
) -> LineSpec:
    assert deal.plan is not None
    return LineSpec(
        deal.deal_id, deal.deal_name, deal.closed_on, deal.plan.name, portion.category, source,
        deal.currency, amount, rate, commission_of(amount, rate),
    )  # fmt: skip


def _portion_lines(
    deal: DealCredit,
    portion: Portion,
    attainment: Decimal | None,
    quota: Decimal | None,
    position: Decimal,
) -> list[LineSpec]:
    plan = deal.plan
    assert plan is not None
    category_rate = plan.category_rate(portion.category) if portion.category else None
    if category_rate is not None:
        return [_line(deal, portion, portion.amount, portion.source_amount, category_rate)]
    if not plan.is_marginal(quota):
        rate = plan.tier_rate(attainment)
        return [_line(deal, portion, portion.amount, portion.source_amount, rate)]
    assert quota is not None
    pieces = marginal_pieces(plan.tiers, quota, position, portion.amount)
    lines, source_left = [], portion.source_amount
    for i, (amount, rate) in enumerate(pieces):
        last = i == len(pieces) - 1
        share = portion.source_amount * amount / portion.amount if portion.amount else ZERO
        source = source_left if last else cents(share)
        source_left -= source
        lines.append(_line(deal, portion, amount, source, rate))
    return lines


def marginal_pieces(
    tiers: tuple[tuple[Decimal, Decimal], ...], quota: Decimal, start: Decimal, amount: Decimal
) -> list[tuple[Decimal, Decimal]]:
    """(amount, rate) of each tier that the won amount from `start` to `start + amount` falls
    in; boundaries are `quota * from / 100`, in cents. Pieces add up to `amount` exactly."""
    bounds = [cents(WIDE.divide(WIDE.multiply(quota, pct), HUNDRED)) for pct, _ in tiers]
    end = start + amount
    pieces: list[tuple[Decimal, Decimal]] = []
    for i, (_, rate) in enumerate(tiers):
        low = ZERO if i == 0 else bounds[i]
        high = bounds[i + 1] if i + 1 < len(tiers) else None
        piece_end = end if high is None else min(end, high)
        piece = piece_end - max(start, low)
        if piece > 0:
            pieces.append((piece, rate))
    if not pieces:  # a zero amount still gets its line, at the tier it sits in
        reached = [rate for i, (_, rate) in enumerate(tiers) if i == 0 or start >= bounds[i]]
        pieces.append((amount, reached[-1]))
    return pieces
