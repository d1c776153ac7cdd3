"""The board of a pipeline: a column per stage with its first cards and its totals.

Totals are in the workspace's base currency: open deals at today's rate (their money is not
in yet), closed deals at the rate of their close date. The weighted total is the column's
total times its stage's win probability. Amounts are grouped by stage, currency and close date in
the database and converted here, so the board reads one index (deal_board_totals) once
for every total, and one index range per column for its cards.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, QuerySet, Sum

from rapport.core.filters import filters_q, parse_term
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal
from rapport.currencies.queries import MoneySum, RateTable, convert_sum
from rapport.customfields.models import CustomField
from rapport.customfields.queries import filter_fields_of
from rapport.deals.models import Deal, Pipeline, Stage
from rapport.deals.queries import FILTERS, get_pipeline, visible_deals

CARD_SORTS = {"stage_entered_at", "expected_close_on", "amount", "created_at", "name", "id"}
# Longest in the stage first: the cards that need attention (and an index range per column).
DEFAULT_CARD_SORT = "stage_entered_at"
CARDS_PER_COLUMN = 20
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Column:
    stage: Stage
    cards: Page[Deal]
    count: int
    total: MoneySum
    weighted: MoneySum


@dataclass(frozen=True)
class Board:
    pipeline: Pipeline
    columns: list[Column]
    open_total: MoneySum
    open_weighted: MoneySum


def _filtered(
    principal: Principal, filters: list[str], custom_fields: list[CustomField]
) -> QuerySet[Deal]:
    fields = {**FILTERS, **filter_fields_of(custom_fields)}
    qs = visible_deals(principal).filter(filters_q(fields, filters))
    if any(fields[parse_term(term)[0]].many for term in filters):
        qs = qs.distinct()
    return qs


def column_cards(
    principal: Principal,
    stage: Stage,
    filters: list[str],
    custom_fields: list[CustomField],
    sort: str | None = None,
    cursor: str | None = None,
    limit: int = CARDS_PER_COLUMN,
) -> Page[Deal]:
    """One page of a column's cards (the board's first page, or "load more")."""
    qs = _filtered(principal, filters, custom_fields).filter(stage_id=stage.pk)
    qs = qs.select_related("owner", "company")
    keys = parse_sort(sort, CARD_SORTS, DEFAULT_CARD_SORT)
    page = keyset_page(qs, keys, limit, cursor, count=False)
    for deal in page.items:
        deal.stage = stage  # the cards' stage is the column's: no query per card
    return page


def _sums(
    table: RateTable,
    stage: Stage,
    groups: list[tuple[str, dt.date | None, Decimal]],
    today: dt.date,
) -> tuple[MoneySum, MoneySum]:
    """The column's total, and its weighted total: the total times the stage's probability."""
    total = convert_sum(table, [(amount, c, closed_on or today) for c, closed_on, amount in groups])
    weighted = (total.amount * stage.probability / 100).quantize(CENT, ROUND_HALF_UP)
    return total, MoneySum(weighted, total.currency, total.missing)


def board(
    principal: Principal,
    pipeline_id: int,
    filters: list[str],
    custom_fields: list[CustomField],
    sort: str | None = None,
    today: dt.date | None = None,
) -> Board:
    """The pipeline's columns: first cards, deal count and totals per stage (filters apply)."""
    pipeline = get_pipeline(principal, pipeline_id)
    stages: list[Stage] = pipeline.stage_rows  # type: ignore[attr-defined]
    today = today or dt.date.today()
    rows = (
        _filtered(principal, filters, custom_fields)
        .filter(pipeline_id=pipeline.pk)
        .order_by()
        .values_list("stage_id", "currency", "closed_on")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    counts: dict[int, int] = {}
    groups: dict[int, list[tuple[str, dt.date | None, Decimal]]] = {}
    for stage_id, currency, closed_on, n, amount in rows:
        counts[stage_id] = counts.get(stage_id, 0) + n
        if amount is not None:
            groups.setdefault(stage_id, []).append((currency, closed_on, amount))
    table = RateTable.load(pipeline.workspace_id, {c for g in groups.values() for c, _, _ in g})
    columns = []
    for stage in stages:
        total, weighted = _sums(table, stage, groups.get(stage.pk, []), today)
        cards = column_cards(principal, stage, filters, custom_fields, sort)
        columns.append(Column(stage, cards, counts.get(stage.pk, 0), total, weighted))
    open_columns = [c for c in columns if c.stage.kind == "open"]
    return Board(
        pipeline,
        columns,
        _add(table.base, [c.total for c in open_columns]),
        _add(table.base, [c.weighted for c in open_columns]),
    )


def _add(base: str, sums: list[MoneySum]) -> MoneySum:
    missing = frozenset().union(*(s.missing for s in sums)) if sums else frozenset()
    return MoneySum(sum((s.amount for s in sums), Decimal(0)), base, missing)
