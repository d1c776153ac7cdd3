"""The sales dashboard's figures on a hand-made dataset: conversion at the right dates, win
rates, averages, the forecast against quota, top deals, scoping and filters."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.dashboards.queries import sales_dashboard
from rapport.dashboards.sales_filters import sales_filters
from rapport.deals.services import create_deal, create_pipeline
from rapport.forecasts.services import set_quotas
from rapport.workspaces.services import create_role, create_team, set_team_members
from tests.conftest import make_member, make_workspace, owner_principal
from tests.dashboards.sales_data import TODAY, build_sales, open_deal

pytestmark = pytest.mark.django_db


def _dashboard(principal: Any, **filters: Any) -> Any:
    return sales_dashboard(principal, sales_filters(principal, TODAY, **filters))


def test_every_figure_of_the_quarter_in_the_base_currency(workspace: Any, owner: Any) -> None:
    sales = build_sales(workspace, owner)
    result = _dashboard(owner)
    assert (result.filters.start, result.filters.end) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    pipe = result.pipeline
    assert (pipe.count, pipe.amount, pipe.weighted) == (4, Decimal("2680.00"), Decimal("1100.00"))
    assert (pipe.closing_count, pipe.closing_amount) == (3, Decimal("2080.00"))
    assert [(s.label, s.count, s.amount, s.weighted) for s in pipe.stages] == [
        ("Qualification", 1, Decimal("600.00"), Decimal("60.00")),
        ("Needs analysis", 0, Decimal("0.00"), Decimal("0.00")),
        ("Proposal", 2, Decimal("2080.00"), Decimal("1040.00")),
        ("Negotiation", 1, Decimal("0.00"), Decimal("0.00")),
    ]
    total = result.closed.total
    assert (total.won, total.lost, total.won_amount, total.lost_amount) == (
        2, 1, Decimal("1500.00"), Decimal("500.00"),
    )  # fmt: skip
    assert (total.win_rate, total.win_rate_by_amount) == (Decimal("66.7"), Decimal("75.0"))
    assert result.closed.average_won_amount == Decimal("750.00")
    assert result.closed.average_cycle_days == Decimal("20.0")
    assert [
        (o.label, o.tally.won, o.tally.lost, o.tally.win_rate) for o in result.closed.owners
    ] == [
        ("Bob Babbage", 1, 0, Decimal("100.0")),
        ("Ada Lovelace", 1, 1, Decimal("50.0")),
    ]
    months = {m.month: (m.count, m.amount) for m in result.won_by_month.months}
    assert len(months) == 12 and min(months) == dt.date(2025, 12, 1)
    assert months[dt.date(2026, 9, 1)] == (1, Decimal("300.00"))
    assert months[dt.date(2026, 10, 1)] == (1, Decimal("1100.00"))
    assert months[dt.date(2026, 11, 1)] == (1, Decimal("400.00"))
    top = [(t.deal.name, t.converted) for t in result.top_deals.deals]
    assert top == [
        ("Kites", Decimal("1080.00")),
        ("Rockets", Decimal("1000.00")),
        ("Balloons", None),
    ]
    assert result.missing == [] and result.currency == "USD"
    assert sales.deals["o2"].currency == "EUR"


def test_forecast_against_quota_reuses_the_forecast(workspace: Any, owner: Any) -> None:
    sales = build_sales(workspace, owner)
    quotas = [{"user_id": sales.ada.pk, "month": m, "amount": "1000"}
              for m in ("2026-10", "2026-11", "2026-12")]  # fmt: skip
    set_quotas(owner, quotas)
    forecast = _dashboard(owner).forecast
    assert [p.key for p in forecast.periods] == ["2026-Q4"]
    rows = {r.label: r.figures for r in forecast.reps}
    assert (rows["Ada Lovelace"].quota, rows["Ada Lovelace"].closed_won) == (
        Decimal("3000"), Decimal("1100.00"),
    )  # fmt: skip
    assert rows["Ada Lovelace"].attainment == Decimal("36.7")
    assert rows["Bob Babbage"].closed_won == Decimal("400.00")
    assert (forecast.total.quota, forecast.total.closed_won) == (
        Decimal("3000"),
        Decimal("1500.00"),
    )
    year = _dashboard(owner, period="this_year").forecast
    assert [p.key for p in year.periods] == ["2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"]
    assert year.total.closed_won == Decimal("1800.00")  # September's 300 too
    month = _dashboard(owner, period="this_month").forecast
    assert [p.key for p in month.periods] == ["2026-11"]
    assert month.total.quota == Decimal("1000")
    odd = _dashboard(owner, period="custom", start=dt.date(2026, 11, 2), end=dt.date(2026, 11, 9))
    assert odd.forecast is None


def test_a_rep_who_may_view_only_their_deals_sees_only_theirs(workspace: Any, owner: Any) -> None:
    sales = build_sales(workspace, owner)
    create_role(owner, "Own deals", {"deal": {"view": "own"}, "user": {"view": "all"}})
    user, own = make_member(workspace, "own_deals", full_name="Olga")
    open_deal(owner, "Olga's", "Proposal", amount="70", owner_id=user.pk,
              expected_close_on="2026-11-20")  # fmt: skip
    result = _dashboard(own)
    assert (result.pipeline.count, result.pipeline.amount) == (1, Decimal("70.00"))
    assert result.closed.total.won == 0 and result.closed.owners == []
    assert [t.deal.name for t in result.top_deals.deals] == ["Olga's"]
    assert sum(m.count for m in result.won_by_month.months) == 0
    assert result.forecast is None  # the custom role has no forecast grant
    assert sales.ada_principal.scope_for("view", "deal") == "all"


def test_another_workspace_sees_nothing_of_ours(workspace: Any, owner: Any) -> None:
    build_sales(workspace, owner)
    other = owner_principal(make_workspace("Globex"))
    result = _dashboard(other)
    assert (result.pipeline.count, result.closed.total.won, result.top_deals.deals) == (0, 0, [])
    ours = create_pipeline(owner, {"name": "Renewals"})
    with pytest.raises(NotFound):
        sales_filters(other, TODAY, pipeline_id=ours.pk)
    with pytest.raises(NotFound):
        sales_filters(other, TODAY, owner_id=owner.user_id)


def test_owner_team_and_pipeline_filters(workspace: Any, owner: Any) -> None:
    sales = build_sales(workspace, owner)
    ada = _dashboard(owner, owner_id=sales.ada.pk)
    assert (ada.pipeline.count, ada.pipeline.amount) == (2, Decimal("1000.00"))
    assert (ada.closed.total.won, ada.closed.total.lost) == (1, 1)
    assert [r.label for r in ada.forecast.reps] == ["Ada Lovelace"]
    team = create_team(owner, "West")
    set_team_members(owner, team.pk, [sales.bob.pk])
    west = _dashboard(owner, team_id=team.pk)
    assert (west.pipeline.count, west.closed.total.won_amount) == (2, Decimal("400.00"))
    renewals = create_pipeline(owner, {"name": "Renewals"})
    create_deal(owner, {"name": "Renewal", "amount": "50", "pipeline_id": renewals.pk})
    only = _dashboard(owner, pipeline_id=renewals.pk)
    assert (only.pipeline.count, only.pipeline.amount, only.closed.total.won) == (
        1, Decimal("50.00"), 0,
    )  # fmt: skip
    assert all(s.pipeline_id == renewals.pk for s in only.pipeline.stages)
    both = _dashboard(owner)
    assert both.pipeline.count == 5
    assert {s.label.split(" · ")[0] for s in both.pipeline.stages} == {"Sales", "Renewals"}


def test_periods_and_their_errors(workspace: Any, owner: Any) -> None:
    build_sales(workspace, owner)
    last = _dashboard(owner, period="last_quarter")
    assert (last.filters.start, last.filters.end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert (last.closed.total.won, last.closed.total.won_amount) == (1, Decimal("300.00"))
    november = _dashboard(owner, period="this_month")
    assert (november.closed.total.won, november.closed.total.lost) == (1, 1)
    custom = _dashboard(
        owner, period="custom", start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31)
    )
    assert custom.closed.total.won_amount == Decimal("1100.00")
    assert [p.key for p in custom.forecast.periods] == ["2026-10"]
    with pytest.raises(Invalid) as caught:
        sales_filters(
            owner, TODAY, period="custom", start=dt.date(2026, 5, 2), end=dt.date(2026, 5, 1)
        )
    assert [e.loc for e in caught.value.errors] == [("to",)]
    with pytest.raises(Invalid) as caught:
        sales_filters(owner, TODAY, period="custom")
    assert [e.loc for e in caught.value.errors] == [("from",), ("to",)]
    with pytest.raises(Invalid):
        sales_filters(owner, TODAY, period="fortnight")
    with pytest.raises(Invalid):
        sales_filters(owner, TODAY, owner_id=owner.user_id, team_id=1)


def test_a_currency_without_a_rate_is_named_and_left_out(workspace: Any, owner: Any) -> None:
    open_deal(owner, "Swiss", "Proposal", amount="100", currency="CHF",
              expected_close_on="2026-11-20")  # fmt: skip
    open_deal(owner, "Local", "Proposal", amount="10", expected_close_on="2026-11-21")
    result = _dashboard(owner)
    assert (result.pipeline.count, result.pipeline.amount) == (2, Decimal("10.00"))
    assert result.missing == ["CHF"]
    assert [(t.deal.name, t.converted) for t in result.top_deals.deals] == [
        ("Local", Decimal("10.00")), ("Swiss", None),
    ]  # fmt: skip


def test_a_role_without_deals_may_not_read_the_dashboard(workspace: Any, owner: Any) -> None:
    create_role(owner, "No deals", {"contact": {"view": "all"}})
    _, principal = make_member(workspace, "no_deals")
    with pytest.raises(Forbidden):
        _dashboard(principal)
