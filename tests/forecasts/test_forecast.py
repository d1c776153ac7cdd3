"""Forecasts: buckets by category, currency conversion at the right dates, weighting by stage
probability and by historical win rate, quotas and attainment, overrides, snapshots, rights."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache

from rapport.core.errors import Forbidden, Invalid
from rapport.currencies.services import create_exchange_rate
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from rapport.forecasts.models import ForecastSnapshot, Quota
from rapport.forecasts.periods import parse_period, period_of
from rapport.forecasts.queries import forecast, win_rates
from rapport.forecasts.services import override_commit, set_quotas, take_forecast_snapshots
from rapport.workspaces.models import Workspace
from rapport.workspaces.services import create_team, set_team_members
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)
Q4 = parse_period("2026-Q4")


def _stage(owner: Any, name: str) -> Any:
    return ensure_default_pipeline(owner.workspace_id).stages.get(name=name)


def _won(owner: Any, amount: str, closed: dt.date, currency: str = "USD", **extra: Any) -> Deal:
    deal = create_deal(
        owner, {"name": f"Won {amount}", "amount": amount, "currency": currency, **extra}
    )
    move_deal_to_stage(owner, deal.pk, _stage(owner, "Won").pk)
    Deal.objects.filter(pk=deal.pk).update(closed_on=closed)
    return deal


def test_periods_parse_and_shift() -> None:
    assert (Q4.start, Q4.end, Q4.key, Q4.label) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
        "2026-Q4",
        "Q4 2026",
    )
    assert parse_period("2026-02").end == dt.date(2026, 2, 28)
    assert period_of("quarter", dt.date(2027, 5, 9)).key == "2027-Q2"
    assert Q4.shifted(1).key == "2027-Q1"
    with pytest.raises(Invalid):
        parse_period("2026-Q5")


def test_buckets_weighting_and_conversion(owner: Any) -> None:
    create_exchange_rate(owner, "EUR", "2026-01-01", "1.10")
    create_exchange_rate(owner, "EUR", "2026-11-01", "1.20")
    _won(owner, "1000", dt.date(2026, 10, 5), "EUR")  # at October's rate: 1.10
    _won(owner, "500", dt.date(2026, 9, 30))  # before the quarter: left out
    proposal = _stage(owner, "Proposal")  # 50 %
    create_deal(owner, {"name": "C", "amount": "2000", "stage_id": proposal.pk,
                        "expected_close_on": "2026-12-01",
                        "forecast_category": "commit"})  # fmt: skip
    create_deal(owner, {"name": "B", "amount": "100", "currency": "EUR",
                        "stage_id": proposal.pk, "expected_close_on": "2026-11-30",
                        "forecast_category": "best_case"})  # fmt: skip
    create_deal(owner, {"name": "P", "amount": "300", "expected_close_on": "2026-10-15"})
    create_deal(owner, {"name": "Omitted", "amount": "999", "expected_close_on": "2026-10-15",
                        "forecast_category": "omitted"})  # fmt: skip
    create_deal(owner, {"name": "Next year", "amount": "999", "expected_close_on": "2027-01-15"})
    result = forecast(owner, Q4, TODAY)
    total = result.total
    assert (total.closed_won, total.commit, total.best_case, total.pipeline) == (
        Decimal("1100.00"), Decimal("2000.00"), Decimal("120.00"), Decimal("300.00"),
    )  # fmt: skip
    assert (total.commit_forecast, total.best_case_forecast) == (
        Decimal("3100.00"),
        Decimal("3220.00"),
    )
    assert total.weighted == Decimal("1090.00")  # 2000*.5 + 120*.5 + 300*.1
    assert (total.won_deals, total.open_deals) == (1, 3)
    assert [r.user_id for r in result.reps] == [owner.user_id]


def test_historical_win_rate_weighs_open_deals(owner: Any) -> None:
    cache.clear()
    proposal = _stage(owner, "Proposal")
    for n in range(3):  # three deals passed Proposal: two won, one lost
        deal = create_deal(owner, {"name": f"H{n}", "stage_id": proposal.pk})
        if n < 2:
            move_deal_to_stage(owner, deal.pk, _stage(owner, "Won").pk)
        else:
            move_deal_to_stage(owner, deal.pk, _stage(owner, "Lost").pk, lost_reason="Price")
    rates = win_rates(owner.workspace_id)
    assert rates[proposal.pk].quantize(Decimal("0.001")) == Decimal("0.667")
    create_deal(owner, {"name": "Open", "amount": "900", "stage_id": proposal.pk,
                        "expected_close_on": "2026-11-20"})  # fmt: skip
    result = forecast(owner, Q4, TODAY)
    assert result.total.weighted_history == Decimal("600.00")
    assert result.total.weighted == Decimal("450.00")


def test_quota_attainment_teams_and_rights(workspace: Any, owner: Any) -> None:
    ws = Workspace.objects.get(pk=owner.workspace_id)
    ada, ada_p = make_member(ws, "sales_rep", full_name="Ada")
    bob, _ = make_member(ws, "sales_rep", full_name="Bob")
    team = create_team(owner, "EMEA")
    set_team_members(owner, team.pk, [ada.pk, bob.pk])
    set_quotas(
        owner,
        [
            {"user_id": ada.pk, "month": m, "amount": "1000"}
            for m in ("2026-10", "2026-11", "2026-12")
        ],
    )
    _won(owner, "1500", dt.date(2026, 11, 2), owner_id=ada.pk)
    _won(owner, "700", dt.date(2026, 11, 3), owner_id=bob.pk)
    result = forecast(owner, Q4, TODAY)
    rows = {r.label: r.figures for r in result.reps}
    assert (rows["Ada"].quota, rows["Ada"].attainment) == (Decimal("3000"), Decimal("50.0"))
    assert rows["Bob"].attainment is None
    assert [(t.name, t.figures.closed_won) for t in result.teams] == [("EMEA", Decimal("2200.00"))]
    mine = forecast(ada_p, Q4, TODAY)  # a rep may view all deals: sees everyone
    assert len(mine.reps) == 2
    with pytest.raises(Forbidden):
        set_quotas(ada_p, [{"user_id": ada.pk, "month": "2026-10", "amount": "1"}])
    with pytest.raises(Invalid) as caught:
        set_quotas(owner, [{"user_id": ada.pk, "month": "2026-13", "amount": "1"},
                           {"user_id": 999999, "month": "2026-10", "amount": "-1"}])  # fmt: skip
    assert [e.loc for e in caught.value.errors] == [
        ("quotas", 0, "month"),
        ("quotas", 1, "user_id"),
    ]
    assert Quota.objects.filter(month=dt.date(2026, 10, 1)).get().amount == Decimal("1000")


def test_a_manager_overrides_a_commit_and_the_rollup_shows_both(workspace: Any, owner: Any) -> None:
    ws = Workspace.objects.get(pk=owner.workspace_id)
    ada, ada_p = make_member(ws, "sales_rep", full_name="Ada")
    _, manager = make_member(ws, "manager", full_name="Max")
    create_deal(owner, {"name": "C", "amount": "5000", "owner_id": ada.pk,
                        "expected_close_on": "2026-12-01",
                        "forecast_category": "commit"})  # fmt: skip
    with pytest.raises(Invalid):
        override_commit(manager, ada.pk, Q4, "3000", "")
    with pytest.raises(Forbidden):
        override_commit(ada_p, ada.pk, Q4, "9000", "I'm sure")
    override_commit(manager, ada.pk, Q4, "3000", "Legal will slip one deal")
    figures = next(r.figures for r in forecast(owner, Q4, TODAY).reps if r.user_id == ada.pk)
    assert (figures.commit, figures.override, figures.adjusted_commit) == (
        Decimal("5000.00"), Decimal("3000"), Decimal("3000"),
    )  # fmt: skip
    assert figures.override_note == "Legal will slip one deal"
    override_commit(manager, ada.pk, Q4, None, "")
    figures = next(r.figures for r in forecast(owner, Q4, TODAY).reps if r.user_id == ada.pk)
    assert figures.override is None


def test_snapshots_show_the_forecast_as_it_stood(owner: Any) -> None:
    deal = create_deal(
        owner, {"name": "Grows", "amount": "1000", "expected_close_on": "2026-11-20"}
    )
    take_forecast_snapshots(dt.datetime(2026, 11, 10, 12, tzinfo=dt.UTC))
    # November and Q4 hold the deal; December and Q1 have nothing to record.
    assert ForecastSnapshot.objects.filter(taken_on=dt.date(2026, 11, 10)).count() == 2
    from rapport.deals.services import update_deal

    update_deal(owner, deal.pk, {"amount": "4000"})
    then = forecast(owner, Q4, TODAY, as_of=dt.date(2026, 11, 15))
    now = forecast(owner, Q4, TODAY)
    assert (then.as_of, then.total.pipeline, now.total.pipeline) == (
        dt.date(2026, 11, 15), Decimal("1000.00"), Decimal("4000.00"),
    )  # fmt: skip
    before_any = forecast(owner, Q4, TODAY, as_of=dt.date(2026, 11, 1))
    assert before_any.reps == []


def test_the_api_serves_the_forecast_and_quotas(owner: Any, other_workspace: Any) -> None:
    api = api_client_for(owner)
    create_deal(owner, {"name": "C", "amount": "10", "expected_close_on": "2026-12-01"})
    body = api.get("/api/v1/forecast?period=2026-Q4").json()
    assert body["period"] == "2026-Q4" and body["currency"] == "USD"
    assert api.get("/api/v1/forecast?period=2026-Q9").status_code == 422
    assert (
        api.put(
            "/api/v1/quotas",
            {"quotas": [{"user_id": owner.user_id, "month": "2026-11", "amount": "50"}]},
        ).status_code
        == 204
    )
    assert api.get("/api/v1/quotas?year=2026").json() == [
        {"user_id": owner.user_id, "month": "2026-11", "amount": "50.00"}
    ]
    stranger = api_client_for(owner_principal(other_workspace))
    assert stranger.get("/api/v1/quotas?year=2026").json() == []
    refused = stranger.put(
        "/api/v1/quotas",
        {"quotas": [{"user_id": owner.user_id, "month": "2026-11", "amount": "1"}]},
    )
    assert refused.status_code == 422
    assert Quota.objects.get().amount == Decimal("50")
