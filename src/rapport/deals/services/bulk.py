"""Writes about many deals at once, and the CSV export: each goes through the one-deal services,
so every deal keeps its own rules, permission check, audit entry and events."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction

from rapport.companies.queries import ExportChunk
from rapport.core.api_support import ExportParams
from rapport.core.audit import record_event
from rapport.core.permissions import Principal, require
from rapport.customfields.models import CustomField
from rapport.deals.models import Deal
from rapport.deals.queries import deals_to_export
from rapport.deals.services.deals import OBJECT_TYPE, delete_deal, update_deal


@transaction.atomic
def bulk_update_deals(principal: Principal, deal_ids: list[int], data: dict[str, Any]) -> int:
    """The same change on each deal, all or none (one denied deal changes nothing)."""
    for deal_id in deal_ids:
        update_deal(principal, deal_id, dict(data))
    return len(deal_ids)


@transaction.atomic
def bulk_tag_deals(
    principal: Principal, deal_ids: list[int], add: str = "", remove: str = ""
) -> int:
    """Add a tag to (or remove one from) each deal, keeping their other tags."""
    links = Deal.tags.through.objects.filter(deal__workspace_id=principal.workspace_id)
    for deal_id in deal_ids:
        current = list(links.filter(deal_id=deal_id).values_list("tag_id", "tag__name"))
        refs: list[int | str] = [pk for pk, name in current if name.lower() != remove.lower()]
        if add and add.lower() not in {name.lower() for _, name in current}:
            refs.append(add)
        update_deal(principal, deal_id, {"tags": refs})
    return len(deal_ids)


@transaction.atomic
def bulk_delete_deals(principal: Principal, deal_ids: list[int]) -> int:
    for deal_id in deal_ids:
        delete_deal(principal, deal_id)
    return len(deal_ids)


def export_deals(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField], columns: list[str]
) -> Iterator[ExportChunk[Deal]]:
    """The deals of a CSV export, chunk by chunk, logged as one audit entry (see companies')."""
    require(principal, "export", OBJECT_TYPE)
    chunks = deals_to_export(principal, params, custom_fields)
    details = {"filter": params.filter, "sort": params.sort, "fields": columns}
    record_event(principal, "export", OBJECT_TYPE, details)
    return chunks
