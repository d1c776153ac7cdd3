"""/api/v1/forecast and /api/v1/quotas: the forecast of a period, overrides and quotas."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Router

from rapport.core.api_support import json_response, no_content, principal_of
from rapport.core.errors import Invalid
from rapport.core.permissions import require
from rapport.forecasts import queries, services
from rapport.forecasts.periods import parse_period
from rapport.forecasts.schemas import (
    ForecastRead,
    OverrideWrite,
    QuotaRead,
    QuotasWrite,
    forecast_body,
)

PREFIX = ""
router = Router(tags=["forecasts"])


@router.get("/forecast", response=ForecastRead)
def get_forecast(request: HttpRequest, period: str, as_of: dt.date | None = None) -> HttpResponse:
    """The forecast of a month (`2026-11`) or quarter (`2026-Q4`) by rep and team in the base
    currency: live, or with `as_of` (a past day) as it stood then (daily snapshots)."""
    principal = principal_of(request)
    require(principal, "view", "forecast")
    today = timezone.localdate()
    result = queries.forecast(principal, parse_period(period), today, as_of)
    return json_response(forecast_body(result))


@router.put("/forecast/overrides", response={204: None})
def put_override(request: HttpRequest, payload: OverrideWrite) -> HttpResponse:
    """A manager's figure for a rep's commit (with a note the roll-up shows); amount null
    removes it."""
    period = parse_period(payload.period)
    services.override_commit(
        principal_of(request), payload.user_id, period, payload.amount, payload.note
    )
    return no_content()


@router.get("/quotas", response=list[QuotaRead])
def list_quotas(request: HttpRequest, year: int) -> HttpResponse:
    """Every monthly quota of the year (quarters are the sum of their months)."""
    principal = principal_of(request)
    require(principal, "view", "quota")
    if not 1900 <= year <= 2999:
        raise Invalid.on("year", "Give a year such as 2026.")
    rows = queries.quotas_for_year(principal, year)
    body = [
        {"user_id": user_id, "month": f"{year}-{month:02d}", "amount": str(amount)}
        for (user_id, month), amount in sorted(rows.items())
    ]
    return json_response(body)


@router.put("/quotas", response={204: None})
def put_quotas(request: HttpRequest, payload: QuotasWrite) -> HttpResponse:
    """Set monthly quotas, all or none; an amount of null removes one."""
    items = [q.model_dump() for q in payload.quotas]
    for item in items:
        item["amount"] = None if item["amount"] is None else str(item["amount"])
    services.set_quotas(principal_of(request), items)
    return no_content()
