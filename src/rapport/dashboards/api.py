"""/api/v1/dashboards/sales: every figure and series of the sales dashboard."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import json_response, principal_of
from rapport.core.permissions import require
from rapport.dashboards.queries import sales_dashboard
from rapport.dashboards.sales_filters import sales_filters
from rapport.dashboards.schemas import SalesDashboardQuery, SalesDashboardRead, sales_dashboard_body
from rapport.workspaces.queries import workspace_today

PREFIX = "/dashboards"
router = Router(tags=["dashboards"])


@router.get("/sales", response=SalesDashboardRead)
def get_sales_dashboard(request: HttpRequest, params: Query[SalesDashboardQuery]) -> HttpResponse:
    """The sales dashboard of a period in the base currency, over the deals the caller may
    view: open pipeline (now, at today's rates) and weighted pipeline by stage, win rate,
    average won deal and sales cycle of deals closed in the period (at their close date's
    rate), won per month over the last 12 months, forecast against quota and the top 10 open
    deals closing this month."""
    principal = principal_of(request)
    require(principal, "view", "deal")
    filters = sales_filters(
        principal,
        workspace_today(principal.workspace_id),
        period=params.period,
        start=params.start,
        end=params.end,
        pipeline_id=params.pipeline_id,
        owner_id=params.owner_id,
        team_id=params.team_id,
    )
    return json_response(sales_dashboard_body(sales_dashboard(principal, filters)))
