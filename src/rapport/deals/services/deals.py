"""Writes about one deal: create, update (a stage change among them), soft delete, restore and
hard delete (bulk writes and the export are in bulk.py, linked records checked in links.py).

A stage change closes the deal's current stay in DealStageChange and opens the next, emits
`deal.stage_changed`, and keeps the close fields true: entering a won or lost stage sets
`closed_on` and the forecast category (closed / omitted), a lost stage needs a lost reason,
and reopening clears them. Every path (API, board, bulk, workflows, a removed stage) goes
through `_enter_stage`, so none can skip it.
"""

from __future__ import annotations

import datetime as dt
import decimal
import zoneinfo
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, Field

from rapport.companies.services import check_owner, clean_with, tag_ids, text_cleaners
from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid
from rapport.core.events import emit
from rapport.core.lifecycle import check_version, erase, lock_record, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, require
from rapport.currencies.codes import is_currency
from rapport.customfields import values
from rapport.customfields.services import clean_custom_values, merge_custom
from rapport.deals.models import (
    FORECAST_CATEGORIES,
    Deal,
    DealContact,
    DealStageChange,
    Pipeline,
    Stage,
)
from rapport.deals.services.links import company_id_of, contact_links
from rapport.deals.services.pipelines import ensure_default_pipeline, stage_rows
from rapport.products.models import PriceBook
from rapport.tags.services import resolve_tags
from rapport.workspaces.models import Workspace

OBJECT_TYPE = "deal"
TEXT_FIELDS = ("name", "next_step", "lost_reason", "source", "last_assignment")
STAGE_CHANGED = "deal.stage_changed"


class StageChanged(BaseModel):
    """deal.stage_changed: the deal moved from one stage to another (of the same or another
    pipeline). `kind` is the new stage's: open, won or lost."""

    pipeline_id: int = Field(description="The pipeline the deal is now in.")
    from_stage_id: int | None = Field(description="The stage it left (null on creation).")
    from_stage: str = Field(description="That stage's name.")
    to_stage_id: int = Field(description="The stage it entered.")
    to_stage: str = Field(description="That stage's name.")
    kind: str = Field(description="open, won or lost.")
    amount: str | None = Field(description="The deal's amount, in `currency`.")
    currency: str = Field(description="The amount's three-letter currency code.")


def _amount(raw: Any) -> decimal.Decimal | None:
    if raw is None or raw == "":
        return None
    amount = decimal.Decimal(values.normalise_decimal(str(raw)))
    if amount < 0:
        raise ValueError("Enter zero or more.")
    if amount.adjusted() > 12:  # SQLite keeps 15 significant digits: every cent survives
        raise ValueError("Enter an amount below 10^13.")
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise ValueError("Use at most two decimal places.")
    return amount


def _currency(raw: Any) -> str:
    code = values.normalise_currency_code(raw)
    if not is_currency(code):
        raise ValueError(f"{code} is not a currency in use; use an ISO 4217 code such as EUR.")
    return code


def _date(raw: Any) -> dt.date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, dt.date) and not isinstance(raw, dt.datetime):
        value = raw
    else:
        value = dt.date.fromisoformat(values.normalise_date(raw))
    if not 1900 <= value.year <= 2999:
        raise ValueError("Enter a date between 1900 and 2999.")
    return value


def _choice(options: tuple[str, ...]) -> Callable[[Any], str]:
    def clean(raw: Any) -> str:
        if raw not in options:
            raise ValueError(f"Choose one of {', '.join(options)}.")
        return str(raw)

    return clean


def _cleaners() -> dict[str, Callable[[Any], Any]]:
    return {
        **text_cleaners(Deal, TEXT_FIELDS),
        "amount": _amount,
        "currency": _currency,
        "expected_close_on": _date,
        "next_step_on": _date,
        "closed_on": _date,
        "forecast_category": _choice(FORECAST_CATEGORIES),
    }


def contact_rows(deal: Deal) -> list[dict[str, Any]]:
    links = deal.deal_contacts.order_by("-is_primary", "pk") if deal.pk else []
    return [{"contact_id": c.contact_id, "role": c.role, "is_primary": c.is_primary} for c in links]


def snapshot(deal: Deal) -> dict[str, Any]:
    plain = (
        *TEXT_FIELDS, "amount", "currency", "pipeline_id", "stage_id", "expected_close_on",
        "closed_on", "owner_id", "company_id", "next_step_on", "forecast_category", "custom",
        "price_book_id",
    )  # fmt: skip
    data = {name: getattr(deal, name) for name in plain}
    return data | {"tags": tag_ids(deal), "contacts": contact_rows(deal)}


def today_in(workspace: Workspace) -> dt.date:
    return timezone.now().astimezone(zoneinfo.ZoneInfo(workspace.time_zone)).date()


# --- Stage ----------------------------------------------------------------------------------------


def _stage_for(
    workspace_id: int, deal: Deal, cleaned: dict[str, Any], problems: list[FieldError]
) -> Stage | None:
    """The stage the write puts the deal in (None: unchanged), checked against its pipeline."""
    pipeline_id = cleaned.pop("pipeline_id", None)
    stage_id = cleaned.pop("stage_id", None)
    if pipeline_id is None and stage_id is None and deal.pk:
        return None
    if pipeline_id is None:
        if stage_id is not None:
            stage = Stage.objects.filter(
                workspace_id=workspace_id, pk=stage_id, removed_at__isnull=True
            ).first()
            if stage is None:
                problems.append(FieldError(("stage_id",), "No such stage."))
            return stage
        pipeline_id = deal.pipeline_id if deal.pk else ensure_default_pipeline(workspace_id).pk
    pipeline = Pipeline.objects.filter(
        workspace_id=workspace_id, pk=pipeline_id, removed_at__isnull=True
    ).first()
    if pipeline is None:
        problems.append(FieldError(("pipeline_id",), "No such pipeline."))
        return None
    stages = stage_rows(pipeline)
    if stage_id is None:
        if deal.pk and deal.pipeline_id == pipeline.pk:
            return None
        return next(s for s in stages if s.kind == "open")
    stage = next((s for s in stages if s.pk == stage_id), None)
    if stage is None:
        problems.append(
            FieldError(("stage_id",), f"Choose a stage of the pipeline {pipeline.name}.")
        )
    return stage


def _enter_stage(
    principal: Principal, deal: Deal, stage: Stage, cleaned: dict[str, Any]
) -> Stage | None:
    """Put the deal in `stage` (in memory), keeping the close fields true; the old stage."""
    old = deal.stage if deal.pk else None
    if old is not None and old.pk == stage.pk:
        return None
    deal.pipeline_id, deal.stage = stage.pipeline_id, stage
    deal.stage_entered_at = timezone.now()
    if stage.kind == "open":
        if old is not None and old.kind != "open":
            deal.closed_on = None
            deal.lost_reason = cleaned.get("lost_reason", "")
            deal.forecast_category = cleaned.get("forecast_category", "pipeline")
        return old
    if cleaned.get("closed_on") is None:
        workspace = Workspace.objects.get(pk=principal.workspace_id)
        deal.closed_on = today_in(workspace)
    deal.forecast_category = "closed" if stage.kind == "won" else "omitted"
    if stage.kind == "won":
        deal.lost_reason = ""
    return old


def _record_stay(principal: Principal, deal: Deal, old: Stage | None) -> None:
    """Close the deal's open stay and open the next; emit deal.stage_changed."""
    now = deal.stage_entered_at
    if old is not None:
        DealStageChange.objects.filter(deal=deal, left_at__isnull=True).update(left_at=now)
    DealStageChange.objects.create(
        workspace_id=deal.workspace_id,
        deal=deal,
        pipeline_id=deal.pipeline_id,
        from_stage=old,
        stage=deal.stage,
        entered_at=now,
        changed_by_id=principal.user_id,
    )
    payload = {
        "pipeline_id": deal.pipeline_id,
        "from_stage_id": old.pk if old else None,
        "from_stage": old.name if old else "",
        "to_stage_id": deal.stage.pk,
        "to_stage": deal.stage.name,
        "kind": deal.stage.kind,
        "amount": None if deal.amount is None else str(deal.amount),
        "currency": deal.currency,
    }
    emit(principal, STAGE_CHANGED, OBJECT_TYPE, deal.pk, payload)


def _check_close_fields(deal: Deal, cleaned: dict[str, Any], problems: list[FieldError]) -> None:
    kind = deal.stage.kind
    if kind == "lost" and not deal.lost_reason:
        problems.append(FieldError(("lost_reason",), "Say why the deal was lost."))
    if kind == "open" and cleaned.get("closed_on") is not None:
        problems.append(FieldError(("closed_on",), "Only a won or lost deal has a close date."))
    expected = {"won": "closed", "lost": "omitted"}.get(kind)
    if kind == "open" and deal.forecast_category == "closed":
        problems.append(FieldError(("forecast_category",), "Only a won deal is closed."))
    elif expected and deal.forecast_category != expected:
        problems.append(
            FieldError(("forecast_category",), f"A {kind} deal's forecast category is {expected}.")
        )


# --- Related records ------------------------------------------------------------------------------


def _price_book_id(raw: Any, deal: Deal) -> int | None:
    """A live price book of the deal's workspace; an inactive one only if the deal has it."""
    if raw is None or raw == deal.price_book_id:
        return deal.price_book_id if raw is not None else None
    book = PriceBook.objects.filter(
        workspace_id=deal.workspace_id, pk=raw, deleted_at__isnull=True
    ).first()
    if book is None:
        raise Invalid.on("price_book_id", "No such price book.")
    if not book.is_active:
        raise Invalid.on("price_book_id", f"The price book {book.name} is inactive.")
    return book.pk


def _check_line_item_fields(
    deal: Deal, cleaned: dict[str, Any], problems: list[FieldError]
) -> None:
    """While a deal has line items its amount is their sum and its currency is theirs."""
    amount = "amount" in cleaned and cleaned["amount"] != deal.amount
    currency = "currency" in cleaned and cleaned["currency"] != deal.currency
    if not deal.pk or not (amount or currency) or not deal.line_items.exists():
        return
    if amount:
        problems.append(
            FieldError(
                ("amount",),
                "This deal's amount is the sum of its line items (before tax); change the "
                "line items instead, or remove them all to set the amount by hand.",
                "line_items",
            )
        )
    if currency:
        problems.append(
            FieldError(
                ("currency",),
                f"This deal's line items are priced in {deal.currency}; remove them before "
                "changing its currency.",
                "line_items",
            )
        )


def _apply(
    principal: Principal, deal: Deal, data: dict[str, Any], partial: bool, items: bool = False
) -> Stage | None:
    """Validate `data` and set it on `deal` (saved) with its tags and contacts; the old stage
    when the stage changed (the caller records the stay once the audit entry is written).
    `items`: the line-items service sets the amount to their sum."""
    relations = {k: data.pop(k) for k in ("contacts", "tags", "custom") if k in data}
    cleaned, problems = clean_with(_cleaners(), data)
    if "name" in cleaned and not cleaned["name"]:
        problems.append(FieldError(("name",), "A deal needs a name."))
    if not items:
        _check_line_item_fields(deal, cleaned, problems)
    stage = _stage_for(principal.workspace_id, deal, cleaned, problems)
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    if "owner_id" in cleaned:
        check_owner(principal, OBJECT_TYPE, cleaned["owner_id"], deal.owner_id)
        if cleaned["owner_id"] != deal.owner_id and "last_assignment" not in cleaned:
            cleaned["last_assignment"] = ""  # the note explains the owner it came with
    if "company_id" in cleaned:
        cleaned["company_id"] = company_id_of(principal, cleaned["company_id"])
    if "price_book_id" in cleaned:
        cleaned["price_book_id"] = _price_book_id(cleaned["price_book_id"], deal)
    if "custom" in relations or not partial:
        custom = clean_custom_values(
            principal.workspace_id, OBJECT_TYPE, relations.get("custom"), partial=partial
        )
        cleaned["custom"] = merge_custom(deal.custom, custom)
    tags = resolve_tags(principal, relations["tags"] or []) if "tags" in relations else None
    links = contact_links(principal, relations["contacts"]) if "contacts" in relations else None
    for name, value in cleaned.items():
        setattr(deal, name, value)
    old = _enter_stage(principal, deal, stage, cleaned) if stage is not None else None
    _check_close_fields(deal, cleaned, problems)
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    deal.save()
    if tags is not None:
        deal.tags.set(tags)
    if links is not None:
        deal.deal_contacts.all().delete()
        for link in links:
            link.deal, link.workspace_id = deal, deal.workspace_id
        DealContact.objects.bulk_create(links)
    return old


@transaction.atomic
def create_deal(principal: Principal, data: dict[str, Any]) -> Deal:
    require(principal, "create", OBJECT_TYPE)
    workspace = Workspace.objects.get(pk=principal.workspace_id)
    data = {"owner_id": principal.user_id, "currency": workspace.default_currency, **data}
    deal = Deal(workspace_id=principal.workspace_id)
    _apply(principal, deal, data, partial=False)
    record_change(principal, "create", OBJECT_TYPE, deal, snapshot(deal))
    _record_stay(principal, deal, None)
    return deal


@transaction.atomic
def update_deal(
    principal: Principal, deal_id: int, data: dict[str, Any], expected_version: int | None = None
) -> Deal:
    deal = lock_record(Deal, principal, deal_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, deal)
    check_version(deal, expected_version)
    return write_deal_update(principal, deal, data)


def write_deal_update(
    principal: Principal,
    deal: Deal,
    data: dict[str, Any],
    line_items: tuple[list[Any], list[Any]] | None = None,
) -> Deal:
    """update_deal's write, once the deal is locked, the right checked and the version matched.

    The line-items service calls it with the items' (before, after) rows and their sum as
    `amount`: the change is one audit entry and one deal.updated event, items included.
    """
    before = snapshot(deal)
    deal.bump()
    old = _apply(principal, deal, dict(data), partial=True, items=line_items is not None)
    changes = diff(before, snapshot(deal))
    if line_items is not None:
        changes |= diff({"line_items": line_items[0]}, {"line_items": line_items[1]})
    record_change(principal, "update", OBJECT_TYPE, deal, changes)
    if old is not None:
        _record_stay(principal, deal, old)
    return deal


def move_deal_to_stage(
    principal: Principal,
    deal_id: int,
    stage_id: int,
    expected_version: int | None = None,
    lost_reason: str | None = None,
) -> Deal:
    """The board's move: the same write as an API update of `stage_id` (and the lost reason)."""
    data: dict[str, Any] = {"stage_id": stage_id}
    if lost_reason is not None:
        data["lost_reason"] = lost_reason
    stage = Stage.objects.filter(workspace_id=principal.workspace_id, pk=stage_id).first()
    if stage is not None:
        data["pipeline_id"] = stage.pipeline_id
    return update_deal(principal, deal_id, data, expected_version)


def move_deals_of_stage(principal: Principal, stage: Stage, target_id: int) -> int:
    """Move every deal of a stage being removed (live or in the bin) to `target_id`.

    Part of the pipeline edit, whose right covers it: each move is audited and emits
    deal.stage_changed like any other. A lost target gets a reason saying what happened.
    """
    target = Stage.objects.get(workspace_id=principal.workspace_id, pk=target_id)
    moved = 0
    for deal in Deal.objects.select_for_update().filter(stage=stage).select_related("stage"):
        before = snapshot(deal)
        deal.bump()
        cleaned: dict[str, Any] = {}
        if target.kind == "lost" and not deal.lost_reason:
            deal.lost_reason = f"Stage {stage.name} was removed"
        old = _enter_stage(principal, deal, target, cleaned)
        deal.save()
        record_change(principal, "update", OBJECT_TYPE, deal, diff(before, snapshot(deal)))
        _record_stay(principal, deal, old)
        moved += 1
    return moved


@transaction.atomic
def delete_deal(principal: Principal, deal_id: int) -> None:
    """Move the deal to the restore bin (its stage history and contacts stay with it)."""
    deal = lock_record(Deal, principal, deal_id, deleted=False)
    move_to_bin(principal, deal, snapshot)


@transaction.atomic
def restore_deal(principal: Principal, deal_id: int) -> Deal:
    deal = lock_record(Deal, principal, deal_id, deleted=True)
    restore_from_bin(principal, deal)
    return deal


@transaction.atomic
def hard_delete_deal(principal: Principal, deal_id: int) -> None:
    """Erase the deal for good (admins only), with its stage history and contact roles."""
    deal = lock_record(Deal, principal, deal_id, deleted=None)
    erase(principal, deal, snapshot)
