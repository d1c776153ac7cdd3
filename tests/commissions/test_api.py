"""/api/v1/commissions: plans and assignments, statements, approve, reopen, export; a second
workspace sees 404 and a role without the right gets 403 with nothing changed."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from rapport.commissions.models import CommissionPlan, CommissionStatement, PlanAssignment
from tests.commissions.factories import deliver, month_ago, won_deal
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db
PLAN = {
    "name": "Standard",
    "base_rate": 5,
    "effective_from": "2020-01-01",
    "tiers": [{"from": 0, "rate": 5}, {"from": 100, "rate": 8}],
    "category_rates": [{"category": "Services", "rate": 12}],
}


def _setup(api: Any, workspace: Any) -> tuple[Any, int]:
    rep, _ = make_member(workspace, "sales_rep", full_name="Ada Rep")
    plan_id = api.post("/api/v1/commissions/plans", PLAN).json()["id"]
    body = {"user_id": rep.pk, "effective_from": "2020-01-01"}
    assert api.post(f"/api/v1/commissions/plans/{plan_id}/assignments", body).status_code == 201
    return rep, plan_id


def test_plans_crud_and_assignments(api: Any, workspace: Any) -> None:
    rep, plan_id = _setup(api, workspace)
    got = api.get(f"/api/v1/commissions/plans/{plan_id}")
    assert got.json()["tiers"] == [{"from": "0", "rate": "5"}, {"from": "100", "rate": "8"}]
    changed = api.patch(
        f"/api/v1/commissions/plans/{plan_id}", {"base_rate": "6.5"}, **{"If-Match": got["ETag"]}
    )
    assert changed.status_code == 200 and changed.json()["base_rate"] == "6.5000"
    bad = api.post(
        "/api/v1/commissions/plans", {**PLAN, "name": "B", "tiers": [{"from": 5, "rate": 1}]}
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["tiers", 0, "from"]
    other = api.post("/api/v1/commissions/plans", {**PLAN, "name": "Other"}).json()["id"]
    clash = api.post(
        f"/api/v1/commissions/plans/{other}/assignments",
        {"user_id": rep.pk, "effective_from": "2025-01-01"},
    )
    assert clash.status_code == 422 and clash.json()["errors"][0]["loc"] == ["effective_from"]
    rows = api.get(f"/api/v1/commissions/plans/{plan_id}/assignments").json()
    assert [(r["user_name"], r["effective_to"]) for r in rows] == [("Ada Rep", None)]
    ended = api.patch(
        f"/api/v1/commissions/assignments/{rows[0]['id']}", {"effective_to": "2024-12-31"}
    )
    assert ended.json()["effective_to"] == "2024-12-31"
    assert api.delete(f"/api/v1/commissions/assignments/{rows[0]['id']}").status_code == 204
    assert api.delete(f"/api/v1/commissions/plans/{other}").status_code == 204
    names = [p["name"] for p in api.get("/api/v1/commissions/plans").json()["items"]]
    assert names == ["Standard"]


def test_statements_list_detail_approve_reopen_and_export(api: Any, workspace: Any) -> None:
    owner = owner_principal(workspace)
    rep, _ = _setup(api, workspace)
    month = month_ago(1)
    won_deal(owner, "1000", month.replace(day=4), rep.pk, name="=HYPERLINK(1)")
    deliver()
    listed = api.get(f"/api/v1/commissions/statements?month={month:%Y-%m}&status=open").json()
    assert [(s["user_name"], s["commission"]) for s in listed["items"]] == [("Ada Rep", "50.00")]
    sid = listed["items"][0]["id"]
    detail = api.get(f"/api/v1/commissions/statements/{sid}")
    assert [(x["kind"], x["rate"], x["commission"]) for x in detail.json()["lines"]] == [
        ("credit", "5.0000", "50.00")
    ]
    stale = api.post(
        f"/api/v1/commissions/statements/{sid}/approve", **{"If-Match": f'"{sid}-999"'}
    )
    assert stale.status_code == 412
    approved = api.post(
        f"/api/v1/commissions/statements/{sid}/approve", **{"If-Match": detail["ETag"]}
    )
    assert approved.json()["status"] == "approved"
    assert api.post(f"/api/v1/commissions/statements/{sid}/recalculate").status_code == 409
    text = b"".join(
        api.get(f"/api/v1/commissions/statements/export?month={month:%Y-%m}").streaming_content
    ).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [
        (r["user_name"], r["deal_name"], r["commission"], r["statement_status"]) for r in rows
    ] == [("Ada Rep", "'=HYPERLINK(1)", "50.00", "approved")]
    reopened = api.post(f"/api/v1/commissions/statements/{sid}/reopen")
    assert reopened.json()["status"] == "open"
    assert api.post(
        "/api/v1/commissions/statements/approve", {"month": f"{month:%Y-%m}"}
    ).json() == {
        "month": f"{month:%Y-%m}",
        "count": 1,
    }
    again = api.post("/api/v1/commissions/statements/recalculate", {"month": f"{month:%Y-%m}"})
    assert again.json()["count"] == 1


def test_another_workspace_gets_404(api: Any, workspace: Any, other_workspace: Any) -> None:
    rep, plan_id = _setup(api, workspace)
    won_deal(owner_principal(workspace), "1000", month_ago(1).replace(day=4), rep.pk)
    deliver()
    sid = CommissionStatement.objects.get().pk
    stranger = api_client_for(owner_principal(other_workspace))
    assert stranger.get(f"/api/v1/commissions/plans/{plan_id}").status_code == 404
    assert (
        stranger.patch(
            f"/api/v1/commissions/plans/{plan_id}", {"name": "X"}, **{"If-Match": f'"{plan_id}-1"'}
        ).status_code
        == 404
    )
    assert stranger.delete(f"/api/v1/commissions/plans/{plan_id}").status_code == 404
    assert stranger.get(f"/api/v1/commissions/statements/{sid}").status_code == 404
    assert stranger.post(f"/api/v1/commissions/statements/{sid}/approve").status_code == 404
    assert stranger.get("/api/v1/commissions/statements").json()["items"] == []
    assert CommissionPlan.objects.get().name == "Standard"
    assert CommissionStatement.objects.get().status == "open"


def test_roles_without_the_right_get_403_and_nothing_changes(api: Any, workspace: Any) -> None:
    rep, plan_id = _setup(api, workspace)
    won_deal(owner_principal(workspace), "1000", month_ago(1).replace(day=4), rep.pk)
    deliver()
    sid = CommissionStatement.objects.get().pk
    _, manager = make_member(workspace, "manager")
    manager_api = api_client_for(manager)
    assert manager_api.get(f"/api/v1/commissions/plans/{plan_id}").status_code == 200
    assert manager_api.post("/api/v1/commissions/plans", {**PLAN, "name": "M"}).status_code == 403
    assert (
        manager_api.post(
            f"/api/v1/commissions/plans/{plan_id}/assignments",
            {"user_id": rep.pk, "effective_from": "2019-01-01"},
        ).status_code
        == 403
    )
    assert manager_api.post(f"/api/v1/commissions/statements/{sid}/approve").status_code == 403
    _, agent = make_member(workspace, "support_agent")
    agent_api = api_client_for(agent)
    assert agent_api.get("/api/v1/commissions/plans").json()["items"] == []
    assert agent_api.get(f"/api/v1/commissions/statements/{sid}").status_code == 404
    month = f"{month_ago(1):%Y-%m}"
    assert agent_api.get(f"/api/v1/commissions/statements/export?month={month}").status_code == 403
    rep_api = api_client_for(make_member(workspace, "sales_rep")[1])
    assert rep_api.get(f"/api/v1/commissions/statements/{sid}").status_code == 404
    assert (CommissionPlan.objects.count(), PlanAssignment.objects.count()) == (1, 1)
    assert CommissionStatement.objects.get().status == "open"
