"""The biggest open deals expected to close this month, by amount in the base currency.

Amounts in several currencies cannot be ranked by the database, so it ranks within each
currency (a window function) and keeps each currency's first ten: the overall ten are among
them. They are converted at today's rate and ranked here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import RowNumber

from rapport.core.permissions import Principal
from rapport.currencies.queries import RateTable
from rapport.dashboards.queries.scope import filtered_deals
from rapport.dashboards.sales_filters import SalesFilters
from rapport.deals.models import Deal
from rapport.forecasts.periods import period_of

TOP = 10


@dataclass(frozen=True)
class TopDeal:
    deal: Deal  # with owner, stage and company loaded
    converted: Decimal | None  # in the base currency at today's rate; None without a rate


@dataclass(frozen=True)
class TopDeals:
    deals: list[TopDeal]
    missing: frozenset[str]


def top_deals_closing(principal: Principal, filters: SalesFilters, limit: int = TOP) -> TopDeals:
    month = period_of("month", filters.today)
    rank = Window(
        RowNumber(),
        partition_by=[F("currency")],
        order_by=[F("amount").desc(nulls_last=True), F("pk").asc()],
    )
    candidates = list(
        filtered_deals(principal, filters)
        .filter(stage__kind="open", expected_close_on__range=(month.start, month.end))
        .select_related("owner", "stage", "company")
        .annotate(rank=rank)
        .filter(rank__lte=limit)
    )
    table = RateTable.load(principal.workspace_id, {d.currency for d in candidates})
    ranked = []
    missing: set[str] = set()
    for deal in candidates:
        converted = None
        if deal.amount is not None:
            converted = table.convert(deal.amount, deal.currency, filters.today)
            if converted is None:
                missing.add(deal.currency)
        ranked.append(TopDeal(deal, converted))
    ranked.sort(key=lambda t: (t.converted is None, -(t.converted or 0), t.deal.pk))
    return TopDeals(ranked[:limit], frozenset(missing))
