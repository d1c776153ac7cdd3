"""Open pipeline by stage: deal count, amount and weighted amount, in the base currency.

One aggregate of the open deals grouped by stage, currency and whether they are expected to
close in the period, converted at today's rate (their money is not in yet), as the board does.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import BooleanField, Case, Count, Q, Sum, Value, When

from rapport.core.permissions import Principal
from rapport.currencies.queries import RateTable, convert_sum
from rapport.dashboards.queries.scope import ZERO, cents, filtered_deals
from rapport.dashboards.sales_filters import SalesFilters
from rapport.deals.models import Stage


@dataclass(frozen=True)
class StageFigures:
    stage_id: int
    pipeline_id: int
    label: str  # the stage's name, after its pipeline's when several are shown
    short_label: str  # the stage's name alone unless another shown stage has it (charts)
    probability: int  # percent
    count: int
    amount: Decimal
    weighted: Decimal  # amount times the stage's probability


@dataclass(frozen=True)
class OpenPipeline:
    stages: list[StageFigures]
    count: int
    amount: Decimal
    weighted: Decimal
    closing_count: int  # open deals expected to close in the period
    closing_amount: Decimal
    missing: frozenset[str]  # currencies without a rate, left out of the amounts


Group = tuple[Decimal, str, bool]  # amount, currency, expected to close in the period


def _groups(
    principal: Principal, filters: SalesFilters
) -> tuple[dict[int, int], dict[int, int], dict[int, list[Group]]]:
    in_period = Case(
        When(expected_close_on__range=(filters.start, filters.end), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )
    rows = (
        filtered_deals(principal, filters)
        .filter(stage__kind="open")
        .annotate(closing=in_period)
        .values_list("stage_id", "currency", "closing")
        .annotate(n=Count("id"), amount=Sum("amount"))
    )
    counts: dict[int, int] = {}
    closing: dict[int, int] = {}
    groups: dict[int, list[Group]] = {}
    for stage_id, currency, is_closing, n, amount in rows:
        counts[stage_id] = counts.get(stage_id, 0) + n
        if is_closing:
            closing[stage_id] = closing.get(stage_id, 0) + n
        if amount is not None:
            groups.setdefault(stage_id, []).append((amount, currency, bool(is_closing)))
    return counts, closing, groups


def _stages(principal: Principal, filters: SalesFilters, with_deals: set[int]) -> list[Stage]:
    """The open stages of live pipelines (and any other stage holding deals), in board order."""
    live = Q(removed_at__isnull=True, pipeline__removed_at__isnull=True)
    qs = Stage.objects.filter(workspace_id=principal.workspace_id, kind="open")
    if filters.pipeline_id is not None:
        qs = qs.filter(pipeline_id=filters.pipeline_id)
    qs = qs.filter(live | Q(pk__in=sorted(with_deals))).select_related("pipeline")
    return list(qs.order_by("pipeline__position", "pipeline_id", "position", "pk"))


def open_pipeline(principal: Principal, filters: SalesFilters) -> OpenPipeline:
    counts, closing, groups = _groups(principal, filters)
    table = RateTable.load(principal.workspace_id, {c for g in groups.values() for _, c, _ in g})
    stages = _stages(principal, filters, set(counts))
    several = len({s.pipeline_id for s in stages}) > 1
    names = Counter(stage.name for stage in stages)
    rows: list[StageFigures] = []
    missing: set[str] = set()
    closing_items = []
    for stage in stages:
        items = groups.get(stage.pk, [])
        total = convert_sum(table, [(a, c, filters.today) for a, c, _ in items])
        missing |= total.missing
        closing_items += [(a, c, filters.today) for a, c, is_closing in items if is_closing]
        label = f"{stage.pipeline.name} · {stage.name}" if several else stage.name
        short = stage.name if names[stage.name] == 1 else label
        weighted = cents(total.amount * stage.probability / 100)
        rows.append(StageFigures(stage.pk, stage.pipeline_id, label, short, stage.probability,
                                 counts.get(stage.pk, 0), total.amount, weighted))  # fmt: skip
    return OpenPipeline(
        stages=rows,
        count=sum(r.count for r in rows),
        amount=sum((r.amount for r in rows), ZERO),
        weighted=sum((r.weighted for r in rows), ZERO),
        closing_count=sum(closing.get(r.stage_id, 0) for r in rows),
        closing_amount=convert_sum(table, closing_items).amount,
        missing=frozenset(missing),
    )
