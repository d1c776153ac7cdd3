"""What a rep's won deals are worth for commissions: the deals of a month (or one deal),
converted to the base currency at their close date, split by category rate, with the plan
assigned on each close date.

Reads only; the statement services turn these into lines (`calculation.calculate_month`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from rapport.commissions.calculation import DealCredit, PlanTerms, Portion
from rapport.commissions.models import CommissionPlan, PlanAssignment
from rapport.commissions.months import month_end
from rapport.currencies.queries import RateTable
from rapport.deals.line_amounts import line_amounts
from rapport.deals.models import Deal, LineItem
from rapport.forecasts.models import Quota


def plan_terms(plan: CommissionPlan) -> PlanTerms:
    tiers = tuple((Decimal(t["from"]), Decimal(t["rate"])) for t in plan.tiers)
    rates = tuple((c["category"], Decimal(c["rate"])) for c in plan.category_rates)
    return PlanTerms(plan.name, plan.base_rate, plan.tier_mode, tiers, rates)


@dataclass(frozen=True)
class Assigned:
    """Which plan a user has on which days (plan span and assignment span intersected)."""

    first: dt.date
    last: dt.date | None
    terms: PlanTerms

    def covers(self, day: dt.date) -> bool:
        return self.first <= day and (self.last is None or day <= self.last)


def assigned_plans(
    workspace_id: int, user_id: int, first: dt.date, last: dt.date
) -> list[Assigned]:
    """The active plans the user is assigned on some day from `first` to `last`."""
    rows = PlanAssignment.objects.filter(
        workspace_id=workspace_id, user_id=user_id, plan__is_active=True,
        effective_from__lte=last,
    ).select_related("plan")  # fmt: skip
    found = []
    for row in rows:
        plan = row.plan
        start = max(row.effective_from, plan.effective_from)
        ends = [d for d in (row.effective_to, plan.effective_to) if d is not None]
        end = min(ends) if ends else None
        if (end is None or end >= first) and start <= last and (end is None or start <= end):
            found.append(Assigned(start, end, plan_terms(plan)))
    return found


def plan_on(plans: list[Assigned], day: dt.date) -> PlanTerms | None:
    return next((a.terms for a in plans if a.covers(day)), None)


def quota_of(workspace_id: int, user_id: int, month: dt.date) -> Decimal | None:
    rows = Quota.objects.filter(workspace_id=workspace_id, user_id=user_id, month=month)
    return rows.values_list("amount", flat=True).first()


def won_deals(workspace_id: int) -> QuerySet[Deal]:
    """Live won deals with their line items and the items' products (two more queries)."""
    items = LineItem.objects.select_related("product").order_by("position", "pk")
    return (
        Deal.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True, stage__kind="won")
        .exclude(amount__isnull=True)
        .prefetch_related(Prefetch("line_items", queryset=items))
    )


def _source_portions(deal: Deal, terms: PlanTerms | None) -> list[tuple[str, Decimal]]:
    """(category, amount in the deal's currency): a part per category that has its own rate
    in the plan, the rest ("") at the tier rate. Nets are the line items' (their sum is the
    deal's amount)."""
    assert deal.amount is not None
    if terms is None or not terms.category_rates:
        return [("", deal.amount)]
    by_category: dict[str, Decimal] = defaultdict(Decimal)
    for item in deal.line_items.all():
        category = item.product.category if item.product else ""
        if category and terms.category_rate(category) is not None:
            net = line_amounts(
                item.quantity, item.unit_price, item.discount_percent, item.tax_rate
            ).net
            by_category[category] += net
    rest = deal.amount - sum(by_category.values(), Decimal(0))
    parts = [("", rest)] if rest or not by_category else []
    return parts + sorted(by_category.items())


def credit_of(
    deal: Deal, plans: list[Assigned], table: RateTable, missing: set[str]
) -> DealCredit | None:
    """The deal as the calculation sees it; None (its currency in `missing`) without a rate."""
    assert deal.closed_on is not None
    terms = plan_on(plans, deal.closed_on)
    portions = []
    for category, source in _source_portions(deal, terms):
        amount = table.convert(source, deal.currency, deal.closed_on)
        if amount is None:
            missing.add(deal.currency)
            return None
        portions.append(Portion(category, source, amount))
    return DealCredit(deal.pk, deal.name, deal.closed_on, deal.currency, tuple(portions), terms)


@dataclass(frozen=True)
class MonthDeals:
    credits: list[DealCredit]
    missing: list[str]  # currencies without a rate: their deals are left out
    quota: Decimal | None
    base: str


def month_deals(workspace_id: int, user_id: int, month: dt.date) -> MonthDeals:
    """The user's won deals closed in `month`, ready for `calculate_month`."""
    last = month_end(month)
    deals = list(won_deals(workspace_id).filter(owner_id=user_id, closed_on__range=(month, last)))
    plans = assigned_plans(workspace_id, user_id, month, last)
    table = RateTable.load(workspace_id, {d.currency for d in deals})
    missing: set[str] = set()
    credits = [c for d in deals if (c := credit_of(d, plans, table, missing)) is not None]
    quota = quota_of(workspace_id, user_id, month)
    return MonthDeals(credits, sorted(missing), quota, table.base)


def deal_for_settlement(workspace_id: int, deal_id: int) -> Deal | None:
    """The deal if it is live and won (with its items); None otherwise."""
    return won_deals(workspace_id).filter(pk=deal_id).first()
