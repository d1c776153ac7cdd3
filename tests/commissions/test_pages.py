"""The commission pages: a rep's own statement, a manager's team with totals and approve
buttons, the statement's lines, Settings -> Commission plans; other workspaces and roles."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.commissions.models import CommissionPlan, CommissionStatement, PlanAssignment
from rapport.commissions.services import approve_statement, assign_plan, create_plan
from rapport.workspaces.services import create_team, set_team_members
from tests.commissions.factories import deliver, month_ago, plan_data, won_deal
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _month_with_deal(workspace: Any) -> tuple[Any, CommissionStatement]:
    owner = owner_principal(workspace)
    rep, _ = make_member(workspace, "sales_rep", full_name="Ada Rep")
    plan = create_plan(owner, plan_data())
    assign_plan(owner, plan.pk, {"user_id": rep.pk, "effective_from": "2020-01-01"})
    won_deal(owner, "1000", month_ago(1).replace(day=3), rep.pk, name="Acme renewal")
    deliver()
    return rep, CommissionStatement.objects.get(user=rep)


def test_a_rep_sees_their_statement_and_not_others(workspace: Any) -> None:
    rep, statement = _month_with_deal(workspace)
    key = f"{month_ago(1):%Y-%m}"
    page = signed_in(rep).get(f"/commissions?month={key}").content.decode()
    assert "Ada Rep" in page and "$50.00" in page and "Approve all open" not in page
    detail = signed_in(rep).get(f"/commissions/statements/{statement.pk}").content.decode()
    assert "Acme renewal" in detail and 'href="/deals/' in detail and ">Approve<" not in detail
    other, _ = make_member(workspace, "sales_rep")
    assert signed_in(other).get(f"/commissions/statements/{statement.pk}").status_code == 404
    assert "Ada Rep" not in signed_in(other).get(f"/commissions?month={key}").content.decode()


def test_a_manager_approves_their_team_from_the_page(workspace: Any) -> None:
    rep, statement = _month_with_deal(workspace)
    manager, _ = make_member(workspace, "manager")
    owner = owner_principal(workspace)
    key = f"{month_ago(1):%Y-%m}"
    response = signed_in(manager).post(f"/commissions/statements/{statement.pk}/approve", {})
    assert response.status_code == 403  # not in the rep's team
    assert CommissionStatement.objects.get().status == "open"
    team = create_team(owner, "Sales")
    set_team_members(owner, team.pk, [rep.pk, manager.pk])
    page = signed_in(manager).get(f"/commissions?month={key}").content.decode()
    assert "Approve all open" in page and "$1,000.00" in page
    response = signed_in(manager).post("/commissions/month/approve", {"month": key})
    assert response.status_code == 302
    assert CommissionStatement.objects.get().status == "approved"
    page = signed_in(manager).get(f"/commissions/statements/{statement.pk}").content.decode()
    assert "locked" in page and ">Reopen<" not in page
    assert (
        signed_in(manager).post(f"/commissions/statements/{statement.pk}/reopen").status_code == 403
    )
    assert CommissionStatement.objects.get().status == "approved"


def test_an_admin_reopens_and_reversals_are_marked(workspace: Any) -> None:
    _rep, statement = _month_with_deal(workspace)
    owner = owner_principal(workspace)
    approve_statement(owner, statement.pk)
    from rapport.deals.models import Deal
    from rapport.deals.services import update_deal

    update_deal(owner, Deal.objects.get().pk, {"amount": "1500"})
    deliver()
    current = CommissionStatement.objects.exclude(pk=statement.pk).get()
    page = owner_client(workspace).get(f"/commissions/statements/{current.pk}").content.decode()
    assert f"Adjustment of {month_ago(1):%B %Y}" in page and "$25.00" in page
    response = owner_client(workspace).post(f"/commissions/statements/{statement.pk}/reopen")
    assert response.status_code == 302
    assert CommissionStatement.objects.get(pk=statement.pk).status == "open"


def test_pages_of_another_workspace_are_404(workspace: Any) -> None:
    _, statement = _month_with_deal(workspace)
    plan = CommissionPlan.objects.get()
    stranger = owner_client(make_workspace("Globex"))
    assert stranger.get(f"/commissions/statements/{statement.pk}").status_code == 404
    assert stranger.post(f"/commissions/statements/{statement.pk}/approve").status_code == 404
    assert stranger.get(f"/settings/commission-plans/{plan.pk}").status_code == 404
    assert stranger.post(f"/settings/commission-plans/{plan.pk}/delete").status_code == 404
    assert (
        CommissionPlan.objects.count() == 1 and CommissionStatement.objects.get().status == "open"
    )


def test_the_plan_editor_keeps_input_and_shows_errors_inline(workspace: Any) -> None:
    client = owner_client(workspace)
    form = {
        "name": "Growth",
        "base_rate": "4",
        "tier_mode": "retroactive",
        "effective_from": "2026-01-01",
        "effective_to": "",
        "is_active": "on",
        "tier-0-from": "0",
        "tier-0-rate": "5",
        "tier-1-from": "0",
        "tier-1-rate": "9",
        "cat-0-category": "Services",
        "cat-0-rate": "12",
    }
    response = client.post("/settings/commission-plans", form)
    page = response.content.decode()
    assert response.status_code == 422
    assert "Each tier starts above the one before." in page and 'value="Services"' in page
    assert not CommissionPlan.objects.exists()
    form["tier-1-from"] = "100"
    response = client.post("/settings/commission-plans", form)
    plan = CommissionPlan.objects.get()
    assert response.status_code == 302 and plan.tiers[1] == {"from": "100", "rate": "9"}
    rep, _ = make_member(workspace, "sales_rep", full_name="Bea Rep")
    assigned = client.post(
        f"/settings/commission-plans/{plan.pk}/assign",
        {"user_id": rep.pk, "effective_from": "2026-02-01"},
    )
    assert assigned.status_code == 302 and PlanAssignment.objects.get().user_id == rep.pk
    clash = client.post(
        f"/settings/commission-plans/{plan.pk}/assign",
        {"user_id": rep.pk, "effective_from": "2026-03-01"},
    )
    assert clash.status_code == 422 and "overlaps" in clash.content.decode()
    assert "Bea Rep" in client.get(f"/settings/commission-plans/{plan.pk}").content.decode()


def test_only_admins_edit_plans_and_reps_do_not_see_them(workspace: Any) -> None:
    owner = owner_principal(workspace)
    plan = create_plan(owner, plan_data())
    manager, _ = make_member(workspace, "manager")
    page = signed_in(manager).get(f"/settings/commission-plans/{plan.pk}").content.decode()
    assert "Standard" in page and "Save plan" not in page
    response = signed_in(manager).post(
        f"/settings/commission-plans/{plan.pk}",
        {**plan_data(name="Hacked"), "tier_mode": "retroactive"},
    )
    assert response.status_code == 403 and CommissionPlan.objects.get().name == "Standard"
    rep, _ = make_member(workspace, "sales_rep")
    assert signed_in(rep).get("/settings/commission-plans").status_code == 403
    agent, _ = make_member(workspace, "support_agent")
    assert signed_in(agent).get("/commissions").status_code == 403


def test_the_month_page_reads_a_fixed_number_of_queries(workspace: Any) -> None:
    _month_with_deal(workspace)
    client = owner_client(workspace)
    url = f"/commissions?month={month_ago(1):%Y-%m}"
    few = page_queries(client, url)
    owner = owner_principal(workspace)
    plan = CommissionPlan.objects.get()
    for _n in range(4):
        rep, _ = make_member(workspace, "sales_rep")
        assign_plan(owner, plan.pk, {"user_id": rep.pk, "effective_from": "2020-01-01"})
        won_deal(owner, "10", month_ago(1).replace(day=5), rep.pk)
    deliver()
    assert CommissionStatement.objects.count() == 5
    assert page_queries(client, url) == few
