"""Reads about pipelines and deals: one deal, filtered lists, exports, stage history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch
from django.utils import timezone

from rapport.companies.queries import ExportChunk, export_chunks, record_page
from rapport.core.api_support import ExportParams, ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField
from rapport.deals.models import Deal, DealContact, DealStageChange, LineItem, Pipeline, Stage

OBJECT_TYPE = "deal"
FILTERS = {
    "name": FilterField("name"),
    "amount": FilterField("amount", "decimal"),
    "currency": FilterField("currency", "choice"),
    "pipeline_id": FilterField("pipeline_id", "id"),
    "stage_id": FilterField("stage_id", "id"),
    "stage_kind": FilterField("stage__kind", "choice"),
    "expected_close_on": FilterField("expected_close_on", "date"),
    "closed_on": FilterField("closed_on", "date"),
    "owner_id": FilterField("owner_id", "id"),
    "company_id": FilterField("company_id", "id"),
    "contact_id": FilterField("deal_contacts__contact_id", "id", many=True),
    "forecast_category": FilterField("forecast_category", "choice"),
    "source": FilterField("source"),
    "lost_reason": FilterField("lost_reason"),
    "next_step_on": FilterField("next_step_on", "date"),
    "tags": FilterField("tags__name", many=True),
    "tag_id": FilterField("tags__id", "id", many=True),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {
    "name", "amount", "expected_close_on", "closed_on", "stage_entered_at", "created_at",
    "updated_at", "id",
}  # fmt: skip
RELATED = (
    Prefetch("tags", to_attr="tag_rows"),
    Prefetch(
        "deal_contacts",
        queryset=DealContact.objects.order_by("-is_primary", "pk"),
        to_attr="contact_rows",
    ),
)


def visible_deals(principal: Principal) -> models.QuerySet[Deal]:
    return visible(principal, Deal.objects.all(), OBJECT_TYPE)


def get_deal(principal: Principal, deal_id: int) -> Deal:
    deal = (
        visible_deals(principal)
        .select_related("stage", "pipeline", "owner", "company")
        .prefetch_related(*RELATED)
        .filter(pk=deal_id)
        .first()
    )
    if deal is None:
        raise NotFound("deal not found")
    return deal


def find_deal(principal: Principal, deal_id: int) -> Deal | None:
    return visible_deals(principal).filter(pk=deal_id).first()


def line_items_of(deal: Deal) -> list[LineItem]:
    """A deal's line items in order, with their products (the deal read through get_deal)."""
    return list(deal.line_items.select_related("product").order_by("position", "pk"))


def list_deals(
    principal: Principal,
    params: ListParams,
    custom_fields: list[CustomField],
    *,
    related: bool = False,
) -> Page[Deal]:
    """A page of visible deals; `related` also loads stage, owner and company for pages."""
    qs = visible_deals(principal).prefetch_related(*RELATED)
    if related:
        qs = qs.select_related("stage", "pipeline", "owner", "company")
    return record_page(qs, params, FILTERS, SORTS, custom_fields)


def deals_to_export(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField]
) -> Iterator[ExportChunk[Deal]]:
    exportable = visible(principal, visible_deals(principal), OBJECT_TYPE, "export")
    qs = exportable.select_related("stage", "pipeline", "company").prefetch_related(*RELATED)
    return export_chunks(qs, params, FILTERS, SORTS, custom_fields)


def deal_names(principal: Principal, deal_ids: Iterable[int | None]) -> dict[int, str]:
    """{id: name} of the visible deals among `deal_ids` (for links on other pages)."""
    wanted = {i for i in deal_ids if i}
    if not wanted:
        return {}
    return dict(visible_deals(principal).filter(pk__in=wanted).values_list("pk", "name"))


def deals_of_company(principal: Principal, company_id: int, limit: int = 20) -> list[Deal]:
    qs = visible_deals(principal).filter(company_id=company_id).select_related("stage")
    return list(qs.order_by("stage__kind", "-expected_close_on", "-pk")[:limit])


def deals_of_contact(principal: Principal, contact_id: int, limit: int = 20) -> list[Deal]:
    qs = visible_deals(principal).filter(deal_contacts__contact_id=contact_id)
    return list(qs.select_related("stage").order_by("-updated_at", "-pk")[:limit])


# --- Pipelines ----------------------------------------------------------------------------------


PIPELINE_FILTERS = {
    "name": FilterField("name"),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
}
PIPELINE_SORTS = {"position", "name", "created_at", "id"}


def visible_pipelines(principal: Principal) -> models.QuerySet[Pipeline]:
    """The workspace's pipelines, each with `stage_rows` (its live stages in order).

    Whoever may view deals sees them too: the board and the deal forms need the stages.
    """
    if (
        principal.scope_for("view", "pipeline") is None
        and principal.scope_for("view", OBJECT_TYPE) is None
    ):
        return Pipeline.objects.none()
    stages = Stage.objects.filter(removed_at__isnull=True).order_by("position", "pk")
    live = Pipeline.objects.filter(workspace_id=principal.workspace_id, removed_at__isnull=True)
    return live.prefetch_related(Prefetch("stages", queryset=stages, to_attr="stage_rows"))


def pipelines_of(principal: Principal) -> list[Pipeline]:
    """Every pipeline in order (the first is the default for new deals)."""
    return list(visible_pipelines(principal).order_by("position", "pk"))


def list_pipelines(principal: Principal, params: ListParams) -> Page[Pipeline]:
    qs = visible_pipelines(principal).filter(filters_q(PIPELINE_FILTERS, params.filter))
    keys = parse_sort(params.sort, PIPELINE_SORTS, "position")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_pipeline(principal: Principal, pipeline_id: int) -> Pipeline:
    pipeline = visible_pipelines(principal).filter(pk=pipeline_id).first()
    if pipeline is None:
        raise NotFound("pipeline not found")
    return pipeline


# --- Stage history ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Stay:
    """One stay of a deal in a stage, with how long it lasted (so far, while open)."""

    stage: Stage
    entered_at: dt.datetime
    left_at: dt.datetime | None
    duration: dt.timedelta
    changed_by_id: int | None


def stage_history(principal: Principal, deal_id: int) -> list[Stay]:
    """The deal's stays, oldest first (NotFound unless the deal is visible)."""
    deal = find_deal(principal, deal_id)
    if deal is None:
        raise NotFound("deal not found")
    now = timezone.now()
    rows = (
        DealStageChange.objects.filter(deal_id=deal.pk)
        .select_related("stage")
        .order_by("entered_at", "pk")
    )
    return [
        Stay(r.stage, r.entered_at, r.left_at, (r.left_at or now) - r.entered_at, r.changed_by_id)
        for r in rows
    ]


def is_stuck(deal: Deal, now: dt.datetime | None = None) -> bool:
    """An open deal that stayed in its stage longer than the stage's expected duration."""
    stage = deal.stage
    if stage.kind != "open" or stage.expected_days is None:
        return False
    return (now or timezone.now()) - deal.stage_entered_at > dt.timedelta(days=stage.expected_days)
