"""Request and response shapes of /api/v1/forecast and /api/v1/quotas."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.core.api_support import RecordId
from rapport.forecasts.queries import Figures, Forecast, TeamRow


class ForecastFigures(Schema):
    quota: str
    closed_won: str
    commit: str
    best_case: str
    pipeline: str
    commit_forecast: str = Field(description="closed won + commit")
    best_case_forecast: str = Field(description="closed won + commit + best case")
    weighted: str = Field(description="Open amounts times their stage's probability.")
    weighted_history: str = Field(description="Open amounts times their stage's won share.")
    attainment: str | None = Field(description="Closed won as a % of quota.")
    override: str | None = Field(description="A manager's figure for the commit.")
    override_note: str
    adjusted_commit: str = Field(description="closed won + (override, or commit)")
    won_deals: int
    open_deals: int


class ForecastRepRead(Schema):
    user_id: int | None
    label: str
    figures: ForecastFigures


class ForecastTeamRead(Schema):
    team_id: int
    name: str
    user_ids: list[int | None]
    figures: ForecastFigures


class ForecastRead(Schema):
    period: str
    period_start: dt.date
    period_end: dt.date
    as_of: dt.date | None = Field(description="The day of the snapshot shown; null: live.")
    currency: str
    missing_currencies: list[str]
    reps: list[ForecastRepRead]
    teams: list[ForecastTeamRead]
    total: ForecastFigures


class OverrideWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: RecordId
    period: str = Field(description="2026-11 or 2026-Q4")
    amount: decimal.Decimal | None = Field(description="null removes the override")
    note: str = ""


class QuotaItem(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: RecordId
    month: str = Field(description="2026-11")
    amount: decimal.Decimal | None = Field(description="In the base currency; null removes it.")


class QuotasWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    quotas: list[QuotaItem] = Field(max_length=2000)


class QuotaRead(Schema):
    user_id: int
    month: str
    amount: str


def _money(value: decimal.Decimal | None) -> str | None:
    return None if value is None else str(value)


def figures_body(figures: Figures) -> dict[str, Any]:
    body = {name: _money(getattr(figures, name)) for name in (
        "quota", "closed_won", "commit", "best_case", "pipeline", "commit_forecast",
        "best_case_forecast", "weighted", "weighted_history", "attainment", "override",
        "adjusted_commit",
    )}  # fmt: skip
    return body | {
        "override_note": figures.override_note,
        "won_deals": figures.won_deals,
        "open_deals": figures.open_deals,
    }


def _team(team: TeamRow) -> dict[str, Any]:
    ids = [r.user_id for r in team.reps]
    return {"team_id": team.team_id, "name": team.name, "user_ids": ids,
            "figures": figures_body(team.figures)}  # fmt: skip


def forecast_body(result: Forecast) -> dict[str, Any]:
    return {
        "period": result.period.key,
        "period_start": result.period.start,
        "period_end": result.period.end,
        "as_of": result.as_of,
        "currency": result.currency,
        "missing_currencies": sorted(result.missing),
        "reps": [
            {"user_id": r.user_id or None, "label": r.label, "figures": figures_body(r.figures)}
            for r in result.reps
        ],
        "teams": [_team(t) for t in result.teams],
        "total": figures_body(result.total),
    }
