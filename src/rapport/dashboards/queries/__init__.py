"""Reads of the sales dashboard: each part is a few aggregate queries over the deals the
principal may view, in the workspace's base currency (see each module)."""

from __future__ import annotations

from dataclasses import dataclass

from rapport.core.permissions import Principal, require
from rapport.currencies.queries import base_currency
from rapport.dashboards.queries.closed import (
    ClosedFigures,
    WonByMonth,
    closed_in_period,
    won_by_month,
)
from rapport.dashboards.queries.forecast import ForecastAgainstQuota, forecast_against_quota
from rapport.dashboards.queries.pipeline import OpenPipeline, open_pipeline
from rapport.dashboards.queries.scope import owner_labels
from rapport.dashboards.queries.top_deals import TopDeals, top_deals_closing
from rapport.dashboards.sales_filters import SalesFilters


@dataclass(frozen=True)
class SalesDashboard:
    filters: SalesFilters
    currency: str  # the workspace's base currency
    pipeline: OpenPipeline
    closed: ClosedFigures
    won_by_month: WonByMonth
    forecast: ForecastAgainstQuota | None  # None: not for this period or role
    top_deals: TopDeals

    @property
    def missing(self) -> list[str]:
        """Currencies some figure had to leave out for want of an exchange rate."""
        gaps = (
            self.pipeline.missing
            | self.closed.missing
            | self.won_by_month.missing
            | self.top_deals.missing
            | (self.forecast.missing if self.forecast else frozenset())
        )
        return sorted(gaps)


def sales_dashboard(principal: Principal, filters: SalesFilters) -> SalesDashboard:
    """Every figure of the dashboard; Forbidden without the right to view deals."""
    require(principal, "view", "deal")
    labels = owner_labels(principal)
    return SalesDashboard(
        filters=filters,
        currency=base_currency(principal.workspace_id),
        pipeline=open_pipeline(principal, filters),
        closed=closed_in_period(principal, filters, labels),
        won_by_month=won_by_month(principal, filters),
        forecast=forecast_against_quota(principal, filters, labels),
        top_deals=top_deals_closing(principal, filters),
    )


__all__ = [
    "SalesDashboard",
    "closed_in_period",
    "forecast_against_quota",
    "open_pipeline",
    "owner_labels",
    "sales_dashboard",
    "top_deals_closing",
    "won_by_month",
]
