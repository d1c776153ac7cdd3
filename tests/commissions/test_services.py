"""Commission statements from won deals: rates, tiers, categories, effective dates, currency
conversion, recalculation through the dispatcher, reversals in locked months, approval."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.commissions.models import CommissionLine, CommissionStatement
from rapport.commissions.services import (
    approve_month,
    approve_statement,
    assign_plan,
    create_plan,
    recalculate_month,
    reopen_statement,
    update_plan,
)
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.currencies.services import create_exchange_rate
from rapport.deals.models import Deal
from rapport.deals.services import delete_deal, move_deal_to_stage, set_line_items, update_deal
from rapport.forecasts.services import set_quotas
from rapport.products.services import create_product
from tests.commissions.factories import (
    D,
    deliver,
    lines,
    month_ago,
    plan_data,
    stage,
    statement_of,
    this_month,
    won_deal,
)
from tests.conftest import make_member

pytestmark = pytest.mark.django_db
TIERS = [{"from": "0", "rate": "5"}, {"from": "100", "rate": "8"}, {"from": "150", "rate": "10"}]


@pytest.fixture
def rep(workspace: Any) -> Any:
    user, _ = make_member(workspace, "sales_rep", full_name="Ada Rep")
    return user


def _plan(owner: Any, rep: Any, **overrides: Any) -> Any:
    plan = create_plan(owner, plan_data(**overrides))
    assign_plan(owner, plan.pk, {"user_id": rep.pk, "effective_from": "2020-01-01"})
    return plan


def test_base_rate_pays_a_percentage_of_won_deals(owner: Any, rep: Any) -> None:
    _plan(owner, rep)
    month = month_ago(1)
    won_deal(owner, "1000", month.replace(day=3), rep.pk, name="Acme")
    won_deal(owner, "250.10", month.replace(day=9), rep.pk, name="Globex")
    deliver()
    statement = statement_of(rep.pk, month)
    assert lines(statement) == [
        ("credit", "Acme", "", D("1000.00"), D("5.0000"), D("50.00")),
        ("credit", "Globex", "", D("250.10"), D("5.0000"), D("12.51")),  # 12.505 half up
    ]
    assert (statement.commission, statement.won_amount) == (D("62.51"), D("1250.10"))
    deliver()  # idempotent: nothing left to do, nothing changes
    assert statement_of(rep.pk, month).version == statement.version


def test_crossing_a_tier_re_rates_the_whole_month(owner: Any, rep: Any) -> None:
    _plan(owner, rep, tiers=TIERS)
    month = month_ago(1)
    set_quotas(owner, [{"user_id": rep.pk, "month": f"{month:%Y-%m}", "amount": "1000"}])
    won_deal(owner, "600", month.replace(day=2), rep.pk, name="First")
    deliver()
    assert [x[4] for x in lines(statement_of(rep.pk, month))] == [D("5")]
    won_deal(owner, "600", month.replace(day=20), rep.pk, name="Second")
    deliver()
    statement = statement_of(rep.pk, month)
    assert [(x[1], x[4], x[5]) for x in lines(statement)] == [
        ("First", D("8"), D("48.00")),
        ("Second", D("8"), D("48.00")),
    ]
    assert (statement.attainment, statement.commission) == (D("120.00"), D("96.00"))
    # a higher quota (through the dispatcher too) drops the month back to the first tier
    set_quotas(owner, [{"user_id": rep.pk, "month": f"{month:%Y-%m}", "amount": "2000"}])
    deliver()
    assert statement_of(rep.pk, month).commission == D("60.00")
    # removing the quota leaves the month without tiers: the base rate again
    set_quotas(owner, [{"user_id": rep.pk, "month": f"{month:%Y-%m}", "amount": None}])
    deliver()
    statement = statement_of(rep.pk, month)
    assert (statement.quota, statement.commission) == (None, D("60.00"))


def test_category_rates_apply_to_their_line_items(owner: Any, rep: Any) -> None:
    _plan(owner, rep, category_rates=[{"category": "Services", "rate": "12"}])
    services = create_product(
        owner,
        {
            "sku": "S1",
            "name": "Setup",
            "category": "Services",
            "prices": [{"currency": "USD", "unit_price": "100"}],
        },
    )
    month = month_ago(1)
    deal = won_deal(owner, "0", month.replace(day=5), rep.pk, name="Mixed")
    set_line_items(
        owner,
        deal.pk,
        [
            {"product_id": services.pk, "quantity": "2", "unit_price": "100"},
            {"name": "Licence", "quantity": "1", "unit_price": "1000"},
        ],
    )
    deliver()
    assert lines(statement_of(rep.pk, month)) == [
        ("credit", "Mixed", "", D("1000.00"), D("5"), D("50.00")),
        ("credit", "Mixed", "Services", D("200.00"), D("12"), D("24.00")),
    ]


def test_a_deal_closed_before_the_plan_starts_earns_nothing(owner: Any, rep: Any) -> None:
    month = month_ago(1)
    plan = create_plan(owner, plan_data(effective_from=month.replace(day=15).isoformat()))
    assign_plan(owner, plan.pk, {"user_id": rep.pk, "effective_from": "2020-01-01"})
    won_deal(owner, "1000", month.replace(day=14), rep.pk, name="Early")
    won_deal(owner, "1000", month.replace(day=15), rep.pk, name="On time")
    deliver()
    statement = statement_of(rep.pk, month)
    assert [x[1] for x in lines(statement)] == ["On time"]
    assert statement.won_amount == D("2000.00")  # both count towards attainment


def test_foreign_deals_convert_at_their_close_date(owner: Any, rep: Any) -> None:
    _plan(owner, rep)
    month = month_ago(1)
    create_exchange_rate(owner, "EUR", "2020-01-01", "1.10")
    create_exchange_rate(owner, "EUR", month.replace(day=10).isoformat(), "1.20")
    won_deal(owner, "1000", month.replace(day=9), rep.pk, currency="EUR", name="Before")
    won_deal(owner, "1000", month.replace(day=10), rep.pk, currency="EUR", name="After")
    won_deal(owner, "1000", month.replace(day=11), rep.pk, currency="JPY", name="No rate")
    deliver()
    statement = statement_of(rep.pk, month)
    assert [(x[1], x[3], x[5]) for x in lines(statement)] == [
        ("Before", D("1100.00"), D("55.00")),
        ("After", D("1200.00"), D("60.00")),
    ]
    assert statement.missing_currencies == ["JPY"]


def test_reopening_a_deal_in_an_open_month_removes_its_line(owner: Any, rep: Any) -> None:
    _plan(owner, rep)
    month = this_month()
    deal = won_deal(owner, "1000", month, rep.pk)
    deliver()
    assert statement_of(rep.pk, month).commission == D("50.00")
    move_deal_to_stage(owner, deal.pk, stage(owner, "Proposal").pk)
    deliver()
    statement = statement_of(rep.pk, month)
    assert (lines(statement), statement.commission) == ([], D("0.00"))


def _approved_month(owner: Any, rep: Any) -> tuple[Deal, CommissionStatement]:
    _plan(owner, rep)
    deal = won_deal(owner, "1000", month_ago(1).replace(day=5), rep.pk, name="Locked")
    deliver()
    statement = approve_statement(owner, statement_of(rep.pk, month_ago(1)).pk)
    return deal, statement


def test_reopening_a_deal_of_a_locked_month_reverses_it_in_the_current(
    owner: Any, rep: Any
) -> None:
    deal, locked = _approved_month(owner, rep)
    move_deal_to_stage(owner, deal.pk, stage(owner, "Proposal").pk)
    deliver()
    deliver()
    assert lines(statement_of(rep.pk, month_ago(1))) == [
        ("credit", "Locked", "", D("1000.00"), D("5"), D("50.00"))
    ]
    current = statement_of(rep.pk, this_month())
    assert lines(current) == [("reversal", "Locked", "", D("-1000.00"), D("5"), D("-50.00"))]
    reversal = current.lines.get()
    assert (reversal.source_statement_id, reversal.reverses.statement_id) == (locked.pk, locked.pk)
    assert current.commission == D("-50.00")
    # won again: a fresh credit in this month, and the reversal stays
    move_deal_to_stage(owner, deal.pk, stage(owner, "Won").pk)
    deliver()
    assert sorted(x[0] for x in lines(statement_of(rep.pk, this_month()))) == ["credit", "reversal"]
    assert statement_of(rep.pk, this_month()).commission == D("0.00")


def test_a_changed_amount_in_a_locked_month_is_adjusted_once(owner: Any, rep: Any) -> None:
    deal, _ = _approved_month(owner, rep)
    update_deal(owner, deal.pk, {"amount": "1200"})
    update_deal(owner, deal.pk, {"amount": "1300"})
    deliver()
    current = statement_of(rep.pk, this_month())
    assert lines(current) == [("adjustment", "Locked", "", D("300.00"), D("5"), D("15.00"))]
    update_deal(owner, deal.pk, {"name": "Renamed"})  # nothing that moves money
    deliver()
    assert CommissionLine.objects.filter(kind="adjustment").count() == 1


def test_deleting_a_deal_of_a_locked_month_reverses_it(owner: Any, rep: Any) -> None:
    deal, _ = _approved_month(owner, rep)
    delete_deal(owner, deal.pk)
    deliver()
    assert statement_of(rep.pk, this_month()).commission == D("-50.00")


def test_approval_locks_the_month_and_needs_the_right(owner: Any, workspace: Any, rep: Any) -> None:
    _plan(owner, rep)
    won_deal(owner, "1000", month_ago(1).replace(day=5), rep.pk)
    won_deal(owner, "10", this_month(), rep.pk)
    deliver()
    _, rep_p = make_member(workspace, "sales_rep")
    _, manager_p = make_member(workspace, "manager")  # in no team with the rep
    statement = statement_of(rep.pk, month_ago(1))
    with pytest.raises(NotFound):  # another rep's statement is not even visible
        approve_statement(rep_p, statement.pk)
    with pytest.raises(Forbidden):
        approve_statement(manager_p, statement.pk)
    assert approve_month(manager_p, month_ago(1)) == 0
    with pytest.raises(Conflict):  # the month has not ended
        approve_statement(owner, statement_of(rep.pk, this_month()).pk)
    assert approve_month(owner, month_ago(1)) == 1
    statement.refresh_from_db()
    assert (statement.status, statement.approved_by_id) == ("approved", owner.user_id)
    assert OutboxEvent.objects.filter(name="commission_statement.approved").count() == 1
    with pytest.raises(Conflict):
        approve_statement(owner, statement.pk)


def test_an_admin_reopens_a_statement_and_pending_corrections_go(owner: Any, rep: Any) -> None:
    deal, locked = _approved_month(owner, rep)
    update_deal(owner, deal.pk, {"amount": "2000"})
    deliver()
    assert statement_of(rep.pk, this_month()).commission == D("50.00")
    reopened = reopen_statement(owner, locked.pk)
    assert (reopened.status, reopened.commission) == ("open", D("100.00"))
    assert statement_of(rep.pk, this_month()).commission == D("0.00")
    assert AuditEntry.objects.filter(action="reopen", object_id=locked.pk).exists()


def test_a_manager_cannot_reopen_and_overlaps_are_refused(
    owner: Any, workspace: Any, rep: Any
) -> None:
    _, locked = _approved_month(owner, rep)
    _, manager = make_member(workspace, "manager")
    with pytest.raises(Forbidden):
        reopen_statement(manager, locked.pk)
    other = create_plan(owner, plan_data(name="Other"))
    with pytest.raises(Invalid) as exc:
        assign_plan(owner, other.pk, {"user_id": rep.pk, "effective_from": "2024-05-01"})
    assert exc.value.errors[0].loc == ("effective_from",)


def test_a_plan_change_recalculates_open_months_only(owner: Any, rep: Any) -> None:
    deal, locked = _approved_month(owner, rep)
    won_deal(owner, "100", this_month(), rep.pk)
    deliver()
    plan = locked.lines.get().plan_name
    assert plan == "Standard"
    from rapport.commissions.models import CommissionPlan

    update_plan(owner, CommissionPlan.objects.get().pk, {"base_rate": "10"})
    assert statement_of(rep.pk, this_month()).commission == D("10.00")
    assert statement_of(rep.pk, month_ago(1)).commission == D("50.00")
    assert recalculate_month(owner, this_month()) == 1
    assert Deal.objects.filter(pk=deal.pk).exists()
