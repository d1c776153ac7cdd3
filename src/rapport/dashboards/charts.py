"""The sales dashboard's charts, drawn by `core.charts` from the dashboard's queries.

Each chart reads only the part of the dashboard it shows, so the page's `<img>` requests stay
a few aggregate queries each. Money is in the base currency, formatted by `currencies`. A chart
with several series names them in its `legend`, which the page shows in HTML in the colours
`core.charts` gives the series in that order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from rapport.core import charts
from rapport.core.charts import Series, Size
from rapport.core.errors import NotFound
from rapport.core.permissions import Principal, require
from rapport.currencies.formatting import format_money, format_money_short
from rapport.currencies.queries import base_currency
from rapport.dashboards import queries
from rapport.dashboards.sales_filters import SalesFilters


@dataclass(frozen=True)
class LegendKey:
    name: str
    colour: int  # the series' place: core.charts.PALETTE[colour], CSS class chart-key-<colour>
    is_line: bool = False  # a dashed target line rather than a bar


@dataclass(frozen=True)
class Chart:
    name: str  # its URL: /dashboards/sales/charts/<name>.svg
    title: str
    draw: Callable[[Principal, SalesFilters, str, Size], str]
    legend: tuple[LegendKey, ...] = ()


WEIGHTED_SERIES = ("Amount", "Weighted")
FORECAST_SERIES = (("Won", "closed_won"), ("Commit", "commit"), ("Best case", "best_case"))
QUOTA = "Quota"


def _axis(currency: str) -> charts.AxisFormat:
    return lambda value: format_money_short(Decimal(str(value)), currency)


def _money_labels(values: list[Decimal], currency: str) -> list[str]:
    return [format_money(v, currency) for v in values]


def _pipeline(principal: Principal, filters: SalesFilters, currency: str, size: Size) -> str:
    stages = queries.open_pipeline(principal, filters).stages
    amounts = [s.amount for s in stages]
    return charts.bar_chart(
        "Open pipeline by stage",
        [f"{s.short_label} ({s.count})" for s in stages],
        [Series(f"Amount ({currency})", amounts, _money_labels(amounts, currency))],
        size=size,
        axis_format=_axis(currency),
    )


def _weighted(principal: Principal, filters: SalesFilters, currency: str, size: Size) -> str:
    stages = queries.open_pipeline(principal, filters).stages
    amounts, weighted = [s.amount for s in stages], [s.weighted for s in stages]
    return charts.bar_chart(
        "Weighted pipeline by stage",
        [f"{s.short_label} ({s.probability} %)" for s in stages],
        [
            Series(WEIGHTED_SERIES[0], amounts, _money_labels(amounts, currency)),
            Series(WEIGHTED_SERIES[1], weighted, _money_labels(weighted, currency)),
        ],
        size=size,
        axis_format=_axis(currency),
    )


def _won_by_month(principal: Principal, filters: SalesFilters, currency: str, size: Size) -> str:
    months = queries.won_by_month(principal, filters).months
    amounts = [m.amount for m in months]
    return charts.line_chart(
        "Won per month, last 12 months",
        [f"{m.month:%b %y}" for m in months],
        [Series(f"Won ({currency})", amounts, _money_labels(amounts, currency))],
        size=size,
        axis_format=_axis(currency),
    )


def _win_rate(principal: Principal, filters: SalesFilters, currency: str, size: Size) -> str:
    labels = queries.owner_labels(principal)
    owners = queries.closed_in_period(principal, filters, labels).owners
    rates = [o.tally.win_rate for o in owners]
    return charts.bar_chart(
        "Win rate by owner",
        [o.label for o in owners],
        [Series("Win rate", rates, [f"{r} %" for r in rates])],
        size=size,
        horizontal=True,
        value_range=(0, 100),
        axis_format=lambda value: f"{value:.0f} %",
    )


def _forecast(principal: Principal, filters: SalesFilters, currency: str, size: Size) -> str:
    labels = queries.owner_labels(principal)
    result = queries.forecast_against_quota(principal, filters, labels)
    if result is None:
        raise NotFound("There is no forecast for this period.")
    reps = result.reps
    series = []
    for name, figure in FORECAST_SERIES:
        values = [getattr(r.figures, figure) for r in reps]
        series.append(Series(name, values, _money_labels(values, currency)))
    quotas = [r.figures.quota or None for r in reps]
    return charts.stacked_bar_chart(
        "Forecast against quota",
        [r.label for r in reps],
        series,
        target=Series(QUOTA, quotas),
        size=size,
        axis_format=_axis(currency),
    )


CHARTS = {
    chart.name: chart
    for chart in (
        Chart("pipeline", "Open pipeline by stage", _pipeline),
        Chart(
            "weighted",
            "Weighted pipeline by stage",
            _weighted,
            tuple(LegendKey(name, i) for i, name in enumerate(WEIGHTED_SERIES)),
        ),
        Chart("won-by-month", "Won per month, last 12 months", _won_by_month),
        Chart("win-rate-by-owner", "Win rate by owner", _win_rate),
        Chart(
            "forecast",
            "Forecast against quota",
            _forecast,
            (
                *(LegendKey(name, i) for i, (name, _) in enumerate(FORECAST_SERIES)),
                LegendKey(f"{QUOTA} (dashed line)", len(FORECAST_SERIES), is_line=True),
            ),
        ),
    )
}


def sales_chart_svg(principal: Principal, filters: SalesFilters, name: str, size: Size) -> str:
    """One chart of the sales dashboard as SVG; NotFound for an unknown chart."""
    require(principal, "view", "deal")
    chart = CHARTS.get(name)
    if chart is None:
        raise NotFound("chart not found")
    return chart.draw(principal, filters, base_currency(principal.workspace_id), size)
