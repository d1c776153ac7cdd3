"""Request and response shapes of /api/v1/dashboards/sales. Money is a decimal string in the
workspace's base currency (`currency`), percentages a decimal string to a tenth."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.dashboards.queries import SalesDashboard
from rapport.dashboards.queries.closed import ClosedFigures
from rapport.dashboards.queries.forecast import ForecastAgainstQuota
from rapport.dashboards.queries.scope import cents
from rapport.dashboards.queries.top_deals import TopDeal
from rapport.dashboards.sales_filters import DEFAULT_PERIOD
from rapport.forecasts.queries import Figures


class SalesDashboardQuery(Schema):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    period: str = Field(
        DEFAULT_PERIOD,
        description="this_month, this_quarter, last_quarter, this_year or custom (with from, to)",
    )
    start: dt.date | None = Field(None, alias="from", description="custom: the first day")
    end: dt.date | None = Field(None, alias="to", description="custom: the last day")
    pipeline_id: int | None = Field(None, description="one pipeline; all when left out")
    owner_id: int | None = Field(None, description="deals owned by this member")
    team_id: int | None = Field(None, description="deals owned by this team's members")


class SalesDashboardPipeline(Schema):
    count: int = Field(description="Open deals now, every expected close date.")
    amount: str = Field(description="Their amount at today's rates.")
    weighted: str = Field(description="Each stage's amount times its probability.")
    closing_count: int = Field(description="Open deals expected to close in the period.")
    closing_amount: str


class SalesDashboardStage(Schema):
    stage_id: int
    pipeline_id: int
    label: str
    probability: int
    count: int
    amount: str
    weighted: str


class SalesDashboardWinRate(Schema):
    won: int = Field(description="Deals won with a close date in the period.")
    lost: int
    won_amount: str = Field(description="At each close date's rate.")
    lost_amount: str
    by_count: str | None = Field(description="won / (won + lost), in %; null without any.")
    by_amount: str | None = Field(description="won amount / (won + lost amount), in %.")


class SalesDashboardOwner(SalesDashboardWinRate):
    user_id: int | None
    label: str


class SalesDashboardMonth(Schema):
    month: str = Field(description="2026-11")
    count: int
    amount: str


class SalesDashboardRep(Schema):
    user_id: int | None
    label: str
    quota: str
    closed_won: str
    commit: str
    best_case: str
    commit_forecast: str
    best_case_forecast: str
    attainment: str | None = Field(description="Closed won as a % of quota.")


class SalesDashboardForecast(Schema):
    periods: list[str] = Field(description="The forecast periods added up: 2026-11, 2026-Q4.")
    total: SalesDashboardRep
    reps: list[SalesDashboardRep]


class SalesDashboardDeal(Schema):
    id: int
    name: str
    amount: str | None
    currency: str
    converted_amount: str | None = Field(description="In the base currency at today's rate.")
    expected_close_on: dt.date | None
    stage_id: int
    stage: str
    owner_id: int | None
    owner: str | None
    company_id: int | None
    company: str | None


class SalesDashboardRead(Schema):
    period: str
    period_label: str
    start: dt.date
    end: dt.date
    pipeline_id: int | None
    owner_id: int | None
    team_id: int | None
    currency: str
    missing_currencies: list[str] = Field(description="Left out of amounts: no exchange rate.")
    open_pipeline: SalesDashboardPipeline
    weighted_pipeline: str
    win_rate: SalesDashboardWinRate
    average_won_amount: str | None
    average_sales_cycle_days: str | None = Field(description="Created to closed, won deals.")
    forecast: SalesDashboardForecast | None = Field(
        description="Every pipeline; null for custom dates that are no month, quarter or year, "
        "or without the right to view forecasts."
    )
    stages: list[SalesDashboardStage]
    won_by_month: list[SalesDashboardMonth] = Field(description="The last 12 months.")
    win_rate_by_owner: list[SalesDashboardOwner]
    top_deals: list[SalesDashboardDeal] = Field(description="Open, closing this month.")


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _tally(tally: Any) -> dict[str, Any]:
    return {
        "won": tally.won,
        "lost": tally.lost,
        "won_amount": str(tally.won_amount),
        "lost_amount": str(tally.lost_amount),
        "by_count": _text(tally.win_rate),
        "by_amount": _text(tally.win_rate_by_amount),
    }


def _rep(user_id: int | None, label: str, figures: Figures) -> dict[str, Any]:
    names = ("quota", "closed_won", "commit", "best_case", "commit_forecast", "best_case_forecast")
    body: dict[str, Any] = {name: str(cents(getattr(figures, name))) for name in names}
    return {"user_id": user_id, "label": label, **body, "attainment": _text(figures.attainment)}


def _forecast(result: ForecastAgainstQuota | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "periods": [p.key for p in result.periods],
        "total": _rep(None, "Total", result.total),
        "reps": [_rep(r.user_id, r.label, r.figures) for r in result.reps],
    }


def _deal(top: TopDeal) -> dict[str, Any]:
    deal = top.deal
    return {
        "id": deal.pk,
        "name": deal.name,
        "amount": _text(deal.amount),
        "currency": deal.currency,
        "converted_amount": _text(top.converted),
        "expected_close_on": deal.expected_close_on,
        "stage_id": deal.stage_id,
        "stage": deal.stage.name,
        "owner_id": deal.owner_id,
        "owner": (deal.owner.full_name or deal.owner.email) if deal.owner else None,
        "company_id": deal.company_id,
        "company": deal.company.name if deal.company else None,
    }


def _owners(closed: ClosedFigures) -> list[dict[str, Any]]:
    return [{"user_id": o.user_id, "label": o.label, **_tally(o.tally)} for o in closed.owners]


def sales_dashboard_body(result: SalesDashboard) -> dict[str, Any]:
    filters, pipeline, closed = result.filters, result.pipeline, result.closed
    return {
        "period": filters.period,
        "period_label": filters.label,
        "start": filters.start,
        "end": filters.end,
        "pipeline_id": filters.pipeline_id,
        "owner_id": filters.owner_id,
        "team_id": filters.team_id,
        "currency": result.currency,
        "missing_currencies": result.missing,
        "open_pipeline": {
            "count": pipeline.count,
            "amount": str(pipeline.amount),
            "weighted": str(pipeline.weighted),
            "closing_count": pipeline.closing_count,
            "closing_amount": str(pipeline.closing_amount),
        },
        "weighted_pipeline": str(pipeline.weighted),
        "win_rate": _tally(closed.total),
        "average_won_amount": _text(closed.average_won_amount),
        "average_sales_cycle_days": _text(closed.average_cycle_days),
        "forecast": _forecast(result.forecast),
        "stages": [
            {**vars(s), "amount": str(s.amount), "weighted": str(s.weighted)}
            for s in pipeline.stages
        ],
        "won_by_month": [
            {"month": f"{m.month:%Y-%m}", "count": m.count, "amount": str(m.amount)}
            for m in result.won_by_month.months
        ],
        "win_rate_by_owner": _owners(closed),
        "top_deals": [_deal(t) for t in result.top_deals.deals],
    }
