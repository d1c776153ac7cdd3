"""Forecast against quota for the dashboard's period, read through `forecasts.queries`.

The forecast is by month or quarter, so a period of a month or a quarter is one forecast and a
year is its four quarters added up; custom dates that are neither have no forecast. It covers
every pipeline (a quota is not per pipeline) and follows the owner or team filter.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rapport.core.permissions import Principal, can
from rapport.dashboards.queries.scope import label_of
from rapport.dashboards.sales_filters import SalesFilters
from rapport.forecasts.periods import Period
from rapport.forecasts.queries import Figures, rep_figures


@dataclass(frozen=True)
class ForecastRep:
    user_id: int | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class ForecastAgainstQuota:
    periods: list[Period]
    reps: list[ForecastRep]  # by name, "No owner" last
    total: Figures
    missing: frozenset[str]


def forecast_against_quota(
    principal: Principal, filters: SalesFilters, labels: dict[int, str]
) -> ForecastAgainstQuota | None:
    """None when the role may not view forecasts or the period is no month, quarter or year."""
    periods = filters.forecast_periods
    if not periods or not can(principal, "view", "forecast"):
        return None
    merged: dict[int, Figures] = defaultdict(Figures)
    missing: frozenset[str] = frozenset()
    for period in periods:
        by_owner, _, gaps = rep_figures(principal, period, filters.today)
        missing |= gaps
        for user_id, figures in by_owner.items():
            merged[user_id].add(figures)
    if filters.owner_ids is not None:
        merged = defaultdict(Figures, {u: f for u, f in merged.items() if u in filters.owner_ids})
    reps = [ForecastRep(u or None, label_of(labels, u), f) for u, f in merged.items()]
    reps.sort(key=lambda r: (r.user_id is None, r.label.lower()))
    total = Figures()
    for rep in reps:
        total.add(rep.figures)
    return ForecastAgainstQuota(periods, reps, total, missing)
