"""The board (/deals/board): a pipeline's stages as columns of deal cards, with totals in the
base currency, "load more" per column, and moving a card (dragged, or with its Move control).

Reads go through deals.board (one aggregate for every column's count and totals, one bounded
page of cards per column), so the page stays as fast with 100,000 deals as with ten. The board's
filters and open saved view are the deal list's (the same URL state); `pipeline=<id>` picks the
pipeline, the first one by default.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from rapport.core.errors import Invalid, NotFound, PreconditionFailed
from rapport.core.list_state import OPERATOR_LABELS, ListState
from rapport.core.pages import is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can
from rapport.customfields.queries import active_fields
from rapport.deals import queries, services
from rapport.deals.board import CARD_SORTS, Column, board, column_cards
from rapport.deals.forms import DEFAULT_COLUMNS, FILTER_ONLY, deal_specs
from rapport.deals.models import Deal, Pipeline, Stage
from rapport.deals.pages.lists import view_tabs
from rapport.deals.pages.records import OBJECT_TYPE, pipelines_or_default, zone_of
from rapport.savedviews.queries import ListViews, list_state_with_views
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import member_labels

TEMPLATE = "deals/board.html"
STALE = "Someone changed this deal; the board was refreshed."


@dataclass(frozen=True)
class Card:
    """A deal as its card shows it: how long it is stuck, whether its close date has passed,
    and whether this user may move it."""

    deal: Deal
    stuck_days: int | None
    is_overdue: bool
    can_move: bool


@dataclass(frozen=True)
class ColumnView:
    """A column as drawn: its stage, count and totals, its cards, the currencies left out."""

    column: Column
    cards: list[Card]
    missing: list[str]


@dataclass(frozen=True)
class BoardState:
    """What the board shows: the list state (filters, view, sort) and the pipeline."""

    list_views: ListViews
    pipeline: Pipeline
    pipelines: list[Pipeline]
    query: str  # the board's URL query, carried by its forms and "load more" links


def _today(principal: Principal) -> dt.date:
    return timezone.now().astimezone(zone_of(principal)).date()


def _cards(principal: Principal, stage: Stage, deals: list[Deal], today: dt.date) -> list[Card]:
    now = timezone.now()
    cards = []
    for deal in deals:
        deal.stage = stage  # the column's stage: no query per card
        stuck_days = (now - deal.stage_entered_at).days if queries.is_stuck(deal, now) else None
        overdue = bool(
            stage.kind == "open" and deal.expected_close_on and deal.expected_close_on < today
        )
        cards.append(Card(deal, stuck_days, overdue, can(principal, "edit", OBJECT_TYPE, deal)))
    return cards


def _card_sort(state: ListState) -> str | None:
    """The list's sort when the cards can use it (the default: longest in the stage first)."""
    names = [part.strip().lstrip("-") for part in state.sort.split(",") if part.strip()]
    return state.sort if names and all(n in CARD_SORTS for n in names) else None


def _state(principal: Principal, query: QueryDict) -> BoardState:
    pipelines = pipelines_or_default(principal)
    raw = query.get("pipeline", "")
    pipeline = next((p for p in pipelines if str(p.pk) == raw), None) if raw else pipelines[0]
    if pipeline is None:
        raise NotFound("pipeline not found")
    list_views = list_state_with_views(principal, OBJECT_TYPE, query, DEFAULT_COLUMNS)
    board_query = f"pipeline={pipeline.pk}&{list_views.state.query_string()}"
    return BoardState(list_views, pipeline, pipelines, board_query)


def _context(principal: Principal, state: BoardState, message: str = "") -> dict[str, Any]:
    list_state = state.list_views.state
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    specs = deal_specs(custom_fields, state.pipelines)
    problem, result = None, None
    try:
        filters = list(list_state.filters)
        result = board(principal, state.pipeline.pk, filters, custom_fields, _card_sort(list_state))
    except Invalid as exc:
        problem = exc
    today = _today(principal)
    columns = [
        ColumnView(c, _cards(principal, c.stage, c.cards.items, today), sorted(c.total.missing))
        for c in (result.columns if result else [])
    ]
    return {
        "state": list_state,
        "list_views": state.list_views,
        "object_type": OBJECT_TYPE,
        "pipeline": state.pipeline,
        "pipelines": [(p, f"pipeline={p.pk}&{list_state.query_string()}") for p in state.pipelines],
        "board": result,
        "open_missing": sorted(result.open_total.missing) if result else [],
        "columns": columns,
        "stages": state.pipeline.stage_rows,  # type: ignore[attr-defined]
        "board_query": state.query,
        "problem": problem,
        "message": message,
        "view_tabs": view_tabs(list_state, "board"),
        "filterable": [spec for spec in (*specs, *FILTER_ONLY) if spec.filter_key],
        "operators": OPERATOR_LABELS,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "members": member_labels(principal),
    }


@require_GET
@member_required
def deal_board(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    return render(request, TEMPLATE, _context(principal, _state(principal, request.GET)))


@require_GET
@member_required
def board_column(request: HttpRequest) -> HttpResponse:
    """A column's next cards ("load more"): `stage=<id>`, `cursor`, and the board's query."""
    principal = page_principal(request)
    state = _state(principal, request.GET)
    raw = request.GET.get("stage", "")
    stages = state.pipeline.stage_rows  # type: ignore[attr-defined]
    stage = next((s for s in stages if str(s.pk) == raw), None)
    if stage is None:
        raise NotFound("stage not found")
    list_state = state.list_views.state
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    page: Page[Deal] = column_cards(
        principal,
        stage,
        list(list_state.filters),
        custom_fields,
        _card_sort(list_state),
        request.GET.get("cursor") or None,
    )
    context = {
        "stage": stage,
        "stages": stages,
        "cards": _cards(principal, stage, page.items, _today(principal)),
        "next_cursor": page.next_cursor,
        "board_query": state.query,
        "members": member_labels(principal),
    }
    return render(request, f"{TEMPLATE}#more-cards", context)


def _move(request: HttpRequest, principal: Principal) -> Deal:
    post = request.POST
    deal_id, stage_id = post.get("deal_id", ""), post.get("stage_id", "")
    version, reason = post.get("version", ""), post.get("lost_reason", "").strip()
    if not deal_id.isdigit() or not stage_id.isdigit():
        raise NotFound("Choose a deal and a stage.")
    return services.move_deal_to_stage(
        principal,
        int(deal_id),
        int(stage_id),
        int(version) if version.isdigit() else None,
        reason or None,
    )


@require_POST
@member_required
def board_move(request: HttpRequest) -> HttpResponse:
    """Move a card: the moved card and every column head come back as out-of-band swaps. On a
    stale version or a refused move the whole board comes back, with what happened."""
    principal = page_principal(request)
    state = _state(principal, QueryDict(request.POST.get("board_query", "")))
    if not is_htmx(request):
        return _move_without_script(request, principal, state)
    try:
        deal = _move(request, principal)
    except PreconditionFailed:
        return render(request, TEMPLATE + "#board", _context(principal, state, STALE), status=409)
    except Invalid as exc:
        message = "Not moved. " + (" ".join(e.msg for e in exc.errors) or exc.detail)
        return render(request, TEMPLATE + "#board", _context(principal, state, message), status=422)
    context = _context(principal, state)
    moved = queries.get_deal(principal, deal.pk)
    context["moved"] = _cards(principal, moved.stage, [moved], _today(principal))[0]
    context["oob"] = True
    return reswap(render(request, f"{TEMPLATE}#moved", context), "none")


def _move_without_script(
    request: HttpRequest, principal: Principal, state: BoardState
) -> HttpResponse:
    """The Move control as a plain form post: move, say what happened, show the board again."""
    try:
        deal = _move(request, principal)
    except PreconditionFailed:
        messages.error(request, STALE)
    except Invalid as exc:
        messages.error(request, "Not moved. " + (" ".join(e.msg for e in exc.errors) or exc.detail))
    else:
        messages.success(request, f"{deal.name} moved to {deal.stage.name}.")
    return redirect(f"/deals/board?{state.query}")
