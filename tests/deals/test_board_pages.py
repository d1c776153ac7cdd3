"""The board page: columns with counts and totals, cards, "load more", and moving a card through
the board's endpoint (success, stale version, a lost stage with and without a reason), as owner,
sales rep, read-only, and from another workspace."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.companies.services import create_company
from rapport.core.models import AuditEntry
from rapport.currencies.services import create_exchange_rate
from rapport.deals.models import Deal, DealStageChange, Pipeline, Stage
from rapport.deals.services import create_deal, create_pipeline, ensure_default_pipeline
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
THREE_STAGES = [
    {"name": "Talking", "kind": "open", "probability": 25, "expected_days": 10},
    {"name": "Signed", "kind": "won"},
    {"name": "Gone", "kind": "lost"},
]


def _stages(pipeline: Pipeline) -> dict[str, Stage]:
    return {s.name: s for s in pipeline.stages.filter(removed_at__isnull=True)}


def _state() -> tuple[list[Any], list[Any], int]:
    return (
        list(Deal.objects.order_by("pk").values()),
        list(DealStageChange.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def _move(client: Any, deal: Deal, stage: Stage, version: int, **extra: str) -> Any:
    data = {
        "deal_id": deal.pk,
        "stage_id": stage.pk,
        "version": version,
        "board_query": f"pipeline={stage.pipeline_id}",
        **extra,
    }
    return client.post("/deals/board/move", data, **HTMX)


def test_columns_show_counts_totals_and_cards(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", "2020-01-01", "1.10")
    acme = create_company(owner, {"name": "Acme <Rockets>"})
    pipeline = ensure_default_pipeline(owner.workspace_id)
    late = create_deal(
        owner,
        {
            "name": "Late one",
            "amount": "1000",
            "company_id": acme.pk,
            "expected_close_on": "2020-01-31",
        },
    )
    create_deal(owner, {"name": "Euro one", "amount": "2000", "currency": "EUR"})
    create_deal(owner, {"name": "Franc one", "amount": "500", "currency": "CHF"})
    Deal.objects.filter(pk=late.pk).update(stage_entered_at=timezone.now() - dt.timedelta(days=20))

    html = owner_client(workspace).get(f"/deals/board?pipeline={pipeline.pk}").content.decode()

    # Qualification: $1,000 + €2,000 at 1.10 = $3,200; 10 % weighted; the francs are left out.
    assert "<strong>3</strong> deals · $3.2K" in html and "weighted $320" in html
    assert "Leaves out CHF: no exchange rate." in html
    assert "Open deals: <strong>$3.2K</strong>" in html
    assert "Acme &lt;Rockets&gt;" in html and "$1,000.00" in html
    assert '<span class="is-overdue">Overdue: closes 2020-01-31</span>' in html
    assert "Stuck 20 days" in html
    assert f'data-version="{late.version}"' in html and 'draggable="true"' in html
    assert html.count('<section class="board-column') == 6
    assert 'src="/static/rapport/board.js"' in html


def test_the_board_reads_a_fixed_number_of_queries(workspace, owner) -> None:
    pipeline = create_pipeline(owner, {"name": "Short", "stages": THREE_STAGES})
    stages = _stages(pipeline)
    client = owner_client(workspace)

    def add(n: int) -> None:
        for i in range(n):
            for name in ("Talking", "Signed"):
                create_deal(
                    owner, {"name": f"{name} {i}", "amount": "10", "stage_id": stages[name].pk}
                )
            create_deal(
                owner,
                {"name": f"Gone {i}", "stage_id": stages["Gone"].pk, "lost_reason": "No budget"},
            )

    add(2)
    url = f"/deals/board?pipeline={pipeline.pk}"
    few = page_queries(client, url)
    # Session and membership (4), pipelines (2, twice), saved views, custom fields, the totals'
    # aggregate, the base currency, one page of cards per column, the time zone, the members and
    # the shell's workspaces.
    assert few == 15 + len(stages)
    add(6)
    assert page_queries(client, url) == few
    html = client.get(url).content.decode()
    assert html.count('<li class="deal-card') == 24


def test_the_list_reads_a_fixed_number_of_queries_too(workspace, owner) -> None:
    pipeline = create_pipeline(owner, {"name": "Short", "stages": THREE_STAGES})
    stage = _stages(pipeline)["Talking"]
    client = owner_client(workspace)
    first = create_company(owner, {"name": "First firm"})
    create_deal(
        owner, {"name": "First", "stage_id": stage.pk, "company_id": first.pk, "tags": ["a"]}
    )
    few = page_queries(client, "/deals")
    assert few == 16
    for i in range(8):
        firm = create_company(owner, {"name": f"Firm {i}"})
        create_deal(
            owner, {"name": f"D{i}", "stage_id": stage.pk, "company_id": firm.pk, "tags": [f"t{i}"]}
        )
    assert page_queries(client, "/deals") == few


def test_load_more_pages_a_column(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    for i in range(23):
        create_deal(owner, {"name": f"Deal {i:02}"})
    client = owner_client(workspace)
    html = client.get(f"/deals/board?pipeline={pipeline.pk}").content.decode()
    assert html.count('<li class="deal-card') == 20 and "Load more" in html
    qualification = _stages(pipeline)["Qualification"]
    start = html.index(f'hx-get="/deals/board/column?stage={qualification.pk}')
    url = html[start + len('hx-get="') : html.index('"', start + len('hx-get="'))].replace(
        "&amp;", "&"
    )
    more = client.get(url, **HTMX).content.decode()
    assert more.count('<li class="deal-card') == 3 and "Load more" not in more
    assert "Deal 22" in more


def test_moving_a_card_returns_the_card_and_the_column_heads(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    stages = _stages(pipeline)
    deal = create_deal(owner, {"name": "Mover", "amount": "100"})

    response = _move(owner_client(workspace), deal, stages["Proposal"], 1)

    html = response.content.decode()
    assert response.status_code == 200 and response["HX-Reswap"] == "none"
    assert f'<li id="card-{deal.pk}" hx-swap-oob="delete"></li>' in html
    assert f'hx-swap-oob="afterbegin:#cards-{stages["Proposal"].pk}"' in html
    assert 'data-version="2"' in html
    assert (
        f'<header class="column-head" id="column-head-{stages["Proposal"].pk}" hx-swap-oob="true">'
        in html
    )
    assert (
        html.count("<strong>1</strong> deal ·") == 1 and html.count("<strong>0</strong> deals") == 5
    )
    deal.refresh_from_db()
    assert (deal.stage_id, deal.version) == (stages["Proposal"].pk, 2)


def test_a_stale_card_is_refused_and_the_board_redrawn(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    stages = _stages(pipeline)
    deal = create_deal(owner, {"name": "Busy"})
    client = owner_client(workspace)
    assert _move(client, deal, stages["Proposal"], 1).status_code == 200
    before = _state()

    stale = _move(client, deal, stages["Negotiation"], 1)

    html = stale.content.decode()
    assert (
        stale.status_code == 409 and "Someone changed this deal; the board was refreshed." in html
    )
    assert '<div id="board" class="board-wrap"' in html and 'data-version="2"' in html
    assert _state() == before


def test_a_lost_stage_needs_a_reason(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    lost = _stages(pipeline)["Lost"]
    deal = create_deal(owner, {"name": "Slipping"})
    client = owner_client(workspace)
    before = _state()

    refused = _move(client, deal, lost, 1, lost_reason="  ")
    assert refused.status_code == 422
    assert "Not moved. Say why the deal was lost." in refused.content.decode()
    assert _state() == before

    done = _move(client, deal, lost, 1, lost_reason="Chose a competitor")
    assert done.status_code == 200
    deal.refresh_from_db()
    assert (deal.stage_id, deal.lost_reason, deal.forecast_category) == (
        lost.pk,
        "Chose a competitor",
        "omitted",
    )


def test_the_move_control_works_without_script(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    won = _stages(pipeline)["Won"]
    deal = create_deal(owner, {"name": "Plain form"})
    response = owner_client(workspace).post(
        "/deals/board/move",
        {
            "deal_id": deal.pk,
            "stage_id": won.pk,
            "version": 1,
            "board_query": f"pipeline={pipeline.pk}",
        },
        follow=True,
    )
    assert "Plain form moved to Won." in response.content.decode()
    assert Deal.objects.get(pk=deal.pk).stage_id == won.pk


def test_a_rep_moves_only_their_own_cards(workspace, owner) -> None:
    rep_user, rep = make_member(workspace, "sales_rep")
    pipeline = ensure_default_pipeline(owner.workspace_id)
    proposal = _stages(pipeline)["Proposal"]
    theirs = create_deal(owner, {"name": "Owner's"})
    mine = create_deal(rep, {"name": "Rep's"})
    client = signed_in(rep_user)

    html = client.get(f"/deals/board?pipeline={pipeline.pk}").content.decode()
    assert f'id="move-{mine.pk}"' in html and f'id="move-{theirs.pk}"' not in html
    assert html.count('draggable="true"') == 1
    before = _state()
    assert _move(client, theirs, proposal, 1).status_code == 403
    assert _state() == before
    assert _move(client, mine, proposal, 1).status_code == 200


def test_read_only_sees_no_move_controls_and_cannot_move(workspace, owner) -> None:
    reader, _ = make_member(workspace, "read_only")
    pipeline = ensure_default_pipeline(owner.workspace_id)
    deal = create_deal(owner, {"name": "Look only"})
    client = signed_in(reader)
    html = client.get(f"/deals/board?pipeline={pipeline.pk}").content.decode()
    assert "Look only" in html and 'draggable="true"' not in html and "card-move" not in html
    assert "New deal" not in html
    before = _state()
    assert _move(client, deal, _stages(pipeline)["Won"], 1).status_code == 403
    assert _state() == before


def test_another_workspaces_board_and_cards_are_not_found(workspace, owner) -> None:
    stranger = owner_principal(make_workspace("Globex"))
    theirs = create_deal(stranger, {"name": "Theirs"})
    mine = ensure_default_pipeline(owner.workspace_id)
    client = owner_client(workspace)
    assert client.get(f"/deals/board?pipeline={theirs.pipeline_id}").status_code == 404
    assert (
        client.get(
            f"/deals/board/column?pipeline={mine.pk}&stage={theirs.stage_id}", **HTMX
        ).status_code
        == 404
    )
    before = _state()
    response = client.post(
        "/deals/board/move",
        {
            "deal_id": theirs.pk,
            "stage_id": theirs.stage_id,
            "version": 1,
            "board_query": f"pipeline={mine.pk}",
        },
        **HTMX,
    )
    assert response.status_code == 404
    assert _state() == before


def test_the_first_visit_creates_the_default_pipeline_and_switches_pipelines(
    workspace, owner
) -> None:
    client = owner_client(workspace)
    html = client.get("/deals/board").content.decode()
    assert Pipeline.objects.filter(workspace=workspace).count() == 1
    assert "Qualification" in html and "No deals here." in html
    other = create_pipeline(owner, {"name": "Renewals", "stages": THREE_STAGES})
    switched = client.get(f"/deals/board?pipeline={other.pk}").content.decode()
    assert 'aria-label="Pipelines"' in switched and "Talking" in switched
    assert "Qualification" not in switched.split('id="board"')[1]
