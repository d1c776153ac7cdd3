"""The sales dashboard page (/dashboards/sales) and its charts (/dashboards/sales/charts/...).

The filter form is a GET form: its fields are the page's URL, so a dashboard can be bookmarked
and shared, and each chart's `<img>` carries the same query string.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.core.charts import Size, svg_response
from rapport.core.errors import FieldError, Invalid
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, require
from rapport.dashboards.charts import CHARTS, sales_chart_svg
from rapport.dashboards.queries import sales_dashboard
from rapport.dashboards.sales_filters import DEFAULT_PERIOD, PERIODS, SalesFilters, sales_filters
from rapport.deals.queries import pipelines_of
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import list_teams, member_labels, workspace_today

FIELDS = ("period", "from", "to", "pipeline", "who")


def _date(raw: str, name: str, errors: list[FieldError]) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        errors.append(FieldError((name,), "Give a date as 2026-11-24."))
        return None


def _number(raw: str, name: str, errors: list[FieldError]) -> int | None:
    if not raw:
        return None
    if raw.isdigit():
        return int(raw)
    errors.append(FieldError((name,), "Choose one from the list."))
    return None


def _filters(principal: Principal, values: dict[str, str]) -> SalesFilters:
    """The form's values as checked filters; Invalid names the fields to mend."""
    errors: list[FieldError] = []
    start, end = _date(values["from"], "from", errors), _date(values["to"], "to", errors)
    pipeline_id = _number(values["pipeline"], "pipeline", errors)
    kind, _, raw_id = values["who"].partition(":")
    who_id = _number(raw_id, "who", errors) if kind in ("user", "team") else None
    if values["who"] and who_id is None and not errors:
        errors.append(FieldError(("who",), "Choose one from the list."))
    if errors:
        raise Invalid("Some filters need a change.", errors)
    today = workspace_today(principal.workspace_id)
    return sales_filters(
        principal, today, period=values["period"] or DEFAULT_PERIOD, start=start, end=end,
        pipeline_id=pipeline_id, owner_id=who_id if kind == "user" else None,
        team_id=who_id if kind == "team" else None,
    )  # fmt: skip


def _values(query: QueryDict) -> dict[str, str]:
    return {name: query.get(name, "").strip()[:40] for name in FIELDS}


def _field_errors(error: Invalid) -> dict[str, str]:
    names = {"team_id": "who", "owner_id": "who", "pipeline_id": "pipeline"}
    found: dict[str, str] = {}
    for item in error.errors:
        name = str(item.loc[0]) if item.loc else "period"
        found.setdefault(names.get(name, name), item.msg)
    return found or {"period": error.detail}


def _who_options(principal: Principal) -> list[tuple[str, list[tuple[str, str]]]]:
    """The owner-or-team select: teams first, then the active members."""
    teams = [(f"team:{team.pk}", team.name) for team in list_teams(principal)]
    members = member_labels(principal, active_only=True)
    owners = [(f"user:{user_id}", label) for user_id, label in members.items()]
    return [
        (group, options) for group, options in (("Teams", teams), ("Owners", owners)) if options
    ]


@require_GET
@member_required
def sales_page(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "deal")
    values = _values(request.GET)
    errors: dict[str, str] = {}
    result = None
    try:
        result = sales_dashboard(principal, _filters(principal, values))
    except Invalid as exc:
        errors = _field_errors(exc)
    context: dict[str, Any] = {
        "values": values,
        "errors": errors,
        "result": result,
        "periods": PERIODS,
        "pipeline_options": [(str(p.pk), p.name) for p in pipelines_of(principal)],
        "who_options": _who_options(principal),
        "chart_query": urlencode({k: v for k, v in values.items() if v}),
        "charts": CHARTS,
    }
    return render(request, "dashboards/sales.html", context, status=422 if errors else 200)


@require_GET
@member_required
def sales_chart(request: HttpRequest, name: str) -> HttpResponse:
    """One chart as SVG, for the page's `<img>`; `size=narrow` draws it for a phone."""
    principal = page_principal(request)
    filters = _filters(principal, _values(request.GET))
    size: Size = "narrow" if request.GET.get("size") == "narrow" else "wide"
    return svg_response(sales_chart_svg(principal, filters, name, size))
