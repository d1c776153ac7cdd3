"""GET /api/v1/dashboards/sales: every figure as JSON, filters, rights and tenancy."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.deals.services import create_deal, create_pipeline
from rapport.forecasts.periods import period_of
from rapport.workspaces.services import create_role, create_team
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.dashboards.sales_data import open_deal

pytestmark = pytest.mark.django_db
URL = "/api/v1/dashboards/sales"


def test_the_api_returns_every_figure_and_series(workspace: Any, owner: Any, api: Any) -> None:
    month = period_of("month", timezone.localdate())
    open_deal(owner, "Big", "Proposal", amount="1200", expected_close_on=month.end.isoformat())
    body = api.get(f"{URL}?period=this_month").json()
    assert (body["period"], body["currency"], body["missing_currencies"]) == (
        "this_month", "USD", [],
    )  # fmt: skip
    assert body["open_pipeline"] == {"count": 1, "amount": "1200.00", "weighted": "600.00",
                                     "closing_count": 1, "closing_amount": "1200.00"}  # fmt: skip
    assert body["weighted_pipeline"] == "600.00"
    assert body["win_rate"]["by_count"] is None and body["average_won_amount"] is None
    assert [s["label"] for s in body["stages"]][:3] == [
        "Qualification",
        "Needs analysis",
        "Proposal",
    ]
    assert len(body["won_by_month"]) == 12
    assert body["won_by_month"][-1]["month"] == f"{month.start:%Y-%m}"
    assert body["forecast"]["periods"] == [month.key]
    assert body["forecast"]["total"]["commit_forecast"] == "0.00"
    assert [(d["name"], d["converted_amount"], d["stage"]) for d in body["top_deals"]] == [
        ("Big", "1200.00", "Proposal")
    ]


def test_filters_are_checked(workspace: Any, owner: Any, api: Any) -> None:
    bad = api.get(f"{URL}?period=custom&from=2026-05-02&to=2026-05-01")
    assert bad.status_code == 422
    assert [e["loc"] for e in bad.json()["errors"]] == [["to"]]
    assert api.get(f"{URL}?period=decade").status_code == 422
    team = create_team(owner, "West")
    both = api.get(f"{URL}?owner_id={owner.user_id}&team_id={team.pk}")
    assert both.status_code == 422
    custom = api.get(f"{URL}?period=custom&from=2026-01-01&to=2026-03-31").json()
    assert (custom["start"], custom["end"], custom["forecast"]["periods"]) == (
        "2026-01-01", "2026-03-31", ["2026-Q1"],
    )  # fmt: skip


def test_another_workspace_gets_404_for_our_ids_and_sees_nothing(
    workspace: Any, owner: Any
) -> None:
    pipeline = create_pipeline(owner, {"name": "Renewals"})
    create_deal(owner, {"name": "Ours", "amount": "10", "pipeline_id": pipeline.pk})
    theirs = api_client_for(owner_principal(make_workspace("Globex")))
    assert theirs.get(f"{URL}?pipeline_id={pipeline.pk}").status_code == 404
    assert theirs.get(f"{URL}?owner_id={owner.user_id}").status_code == 404
    body = theirs.get(URL).json()
    assert (body["open_pipeline"]["count"], body["top_deals"]) == (0, [])


def test_a_role_without_deals_gets_403(workspace: Any, owner: Any) -> None:
    create_role(owner, "Contacts only", {"contact": {"view": "all"}})
    _, principal = make_member(workspace, "contacts_only")
    response = api_client_for(principal).get(URL)
    assert response.status_code == 403
    assert "open_pipeline" not in response.json()


def test_the_query_count_does_not_grow_with_deals(workspace: Any, owner: Any, api: Any) -> None:
    month = period_of("month", timezone.localdate())
    for currency in ("USD", "EUR"):  # a second currency loads its rates: one query more
        open_deal(owner, currency, "Proposal", amount="1", currency=currency,
                  expected_close_on=month.end.isoformat())  # fmt: skip
    api.get(URL)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(URL).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for n in range(8):
        _, rep = make_member(workspace, "sales_rep")
        open_deal(owner, f"D{n}", "Negotiation", amount="5", currency=("EUR", "USD")[n % 2],
                  owner_id=rep.user_id, expected_close_on=month.end.isoformat())  # fmt: skip
    assert count() == few
