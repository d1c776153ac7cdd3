"""The board query: per-stage counts and totals in the base currency, cards per column."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rapport.currencies.services import create_exchange_rate
from rapport.deals.board import board, column_cards
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 24)


def _stage(owner: Any, name: str) -> Any:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    return pipeline.stages.get(name=name)


def test_totals_convert_each_currency_at_the_right_date(owner: Any) -> None:
    create_exchange_rate(owner, "EUR", "2026-01-01", "1.10")
    create_exchange_rate(owner, "EUR", "2026-11-01", "1.20")
    create_deal(owner, {"name": "Dollars", "amount": "1000"})
    create_deal(owner, {"name": "Euros", "amount": "1000", "currency": "EUR"})
    won = create_deal(owner, {"name": "Won in March", "amount": "500", "currency": "EUR"})
    move_deal_to_stage(owner, won.pk, _stage(owner, "Won").pk)
    Deal.objects.filter(pk=won.pk).update(closed_on=dt.date(2026, 3, 15))
    result = board(owner, won.pipeline_id, [], [], today=TODAY)
    columns = {c.stage.name: c for c in result.columns}
    qualification = columns["Qualification"]
    assert qualification.count == 2
    assert qualification.total.amount == Decimal("2200.00")  # 1000 USD + 1000 EUR at 1.20
    assert qualification.weighted.amount == Decimal("220.00")  # 10 %
    assert columns["Won"].total.amount == Decimal("550.00")  # at March's 1.10
    assert (result.open_total.amount, result.open_weighted.amount) == (
        Decimal("2200.00"),
        Decimal("220.00"),
    )
    assert [d.name for d in qualification.cards.items] == ["Dollars", "Euros"]


def test_a_currency_without_a_rate_is_left_out_and_named(owner: Any) -> None:
    create_deal(owner, {"name": "Francs", "amount": "300", "currency": "CHF"})
    create_deal(owner, {"name": "Dollars", "amount": "100"})
    result = board(owner, ensure_default_pipeline(owner.workspace_id).pk, [], [], today=TODAY)
    column = result.columns[0]
    assert (column.count, column.total.amount, column.total.missing) == (
        2,
        Decimal("100.00"),
        frozenset({"CHF"}),
    )


def test_filters_and_visibility_apply_to_counts_and_cards(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    create_deal(owner, {"name": "Owner's", "amount": "10"})
    create_deal(rep, {"name": "Rep's", "amount": "20"})
    pipeline_id = ensure_default_pipeline(owner.workspace_id).pk
    mine = board(owner, pipeline_id, [f"owner_id:eq:{rep.user_id}"], [], today=TODAY)
    assert (mine.columns[0].count, [d.name for d in mine.columns[0].cards.items]) == (
        1,
        ["Rep's"],
    )
    stranger = owner_principal(make_workspace("Other"))
    with pytest.raises(Exception) as caught:
        board(stranger, pipeline_id, [], [], today=TODAY)
    assert type(caught.value).__name__ == "NotFound"


def test_more_cards_come_a_page_at_a_time(owner: Any) -> None:
    for n in range(5):
        create_deal(owner, {"name": f"Deal {n}"})
    stage = _stage(owner, "Qualification")
    first = column_cards(owner, stage, [], [], limit=3)
    rest = column_cards(owner, stage, [], [], cursor=first.next_cursor, limit=3)
    assert [d.name for d in first.items + rest.items] == [f"Deal {n}" for n in range(5)]
    assert rest.next_cursor is None


def test_the_board_reads_a_bounded_number_of_queries(
    owner: Any, django_assert_max_num_queries: Any
) -> None:
    for n in range(30):
        create_deal(owner, {"name": f"Deal {n}", "amount": "5"})
    pipeline_id = ensure_default_pipeline(owner.workspace_id).pk
    # pipeline + stages, the aggregate, the rates (base currency only), a page per column (6)
    with django_assert_max_num_queries(10):
        result = board(owner, pipeline_id, [], [], today=TODAY)
        names = [(d.owner, d.company) for c in result.columns for d in c.cards.items]
    assert len(names) == 20


def test_the_board_api_reports_columns_in_the_base_currency(
    owner: Any, other_workspace: Any
) -> None:
    from tests.conftest import api_client_for

    create_exchange_rate(owner, "EUR", "2026-01-01", "1.50")
    deal = create_deal(owner, {"name": "Euros", "amount": "100", "currency": "EUR"})
    api = api_client_for(owner)
    body = api.get(f"/api/v1/pipelines/{deal.pipeline_id}/board").json()
    first = body["columns"][0]
    assert (first["stage"]["name"], first["count"], first["total"]) == (
        "Qualification",
        1,
        {"amount": "150.00", "currency": "USD", "missing": []},
    )
    assert [c["name"] for c in first["cards"]] == ["Euros"]
    assert first["cards"][0]["is_stuck"] is False
    filtered = api.get(f"/api/v1/pipelines/{deal.pipeline_id}/board?filter=name:eq:Other").json()
    assert filtered["columns"][0]["count"] == 0
    stranger = api_client_for(owner_principal(other_workspace))
    assert stranger.get(f"/api/v1/pipelines/{deal.pipeline_id}/board").status_code == 404
    assert (
        api.get(f"/api/v1/pipelines/{deal.pipeline_id}/board?filter=nope:eq:1").status_code == 422
    )
