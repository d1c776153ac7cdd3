"""A deal's page (fields edited in place, the stage bar, contacts, stage history, timeline and
History), its delete, and the new-deal form."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.companies.queries import get_company
from rapport.contacts.queries import get_contact
from rapport.core.errors import Invalid, PreconditionFailed
from rapport.core.field_specs import FieldSpec, errors_by_input, service_data
from rapport.core.history import list_record_history
from rapport.core.inline_edit import edit_field, save_field, show_field
from rapport.core.pages import is_htmx, page_principal
from rapport.core.permissions import Principal, can, require
from rapport.deals import queries, services
from rapport.deals.engagement import engagement_of
from rapport.deals.forms import CREATE_FIELDS, ROLE_CHOICES
from rapport.deals.models import Deal, Pipeline, Stage
from rapport.deals.pages.deal_contacts import contacts_context
from rapport.deals.pages.line_items import line_items_context
from rapport.deals.pages.records import (
    EDITOR,
    OBJECT_TYPE,
    display_context,
    load,
    pipelines_or_default,
    specs_of,
    with_ids,
    zone_of,
)
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace


@dataclass(frozen=True)
class BarStep:
    """One stage of the stage bar: passed, the current one, or ahead."""

    stage: Stage
    state: str  # "passed", "current" or "ahead"


def stage_bar(pipeline: Pipeline, current: Stage) -> list[BarStep]:
    stages: list[Stage] = pipeline.stage_rows  # type: ignore[attr-defined]
    index = next((i for i, s in enumerate(stages) if s.pk == current.pk), -1)
    steps = []
    for i, stage in enumerate(stages):
        passed = i < index and stage.kind == "open"
        steps.append(BarStep(stage, "current" if i == index else "passed" if passed else "ahead"))
    return steps


def _about(specs: list[FieldSpec], deal: Deal) -> list[FieldSpec]:
    """The About panel's fields; a deal with line items has their sum as its amount."""
    shown = [s for s in specs if not s.is_custom and s.name != "stage_id"]
    if not deal.line_items.exists():
        return shown
    label = "Amount (sum of the line items, before tax)"
    return [replace(s, editable=False, label=label) if s.name == "amount" else s for s in shown]


def _detail_context(principal: Principal, deal: Deal, body: dict[str, Any]) -> dict[str, Any]:
    pipelines = queries.pipelines_of(principal)
    specs = specs_of(principal, pipelines)
    pipeline = next((p for p in pipelines if p.pk == deal.pipeline_id), deal.pipeline)
    stays = queries.stage_history(principal, deal.pk)
    return {
        "deal": deal,
        "body": body,
        "url": f"/deals/{deal.pk}",
        "about": _about(specs, deal),
        "custom": [s for s in specs if s.is_custom],
        "bar": stage_bar(pipeline, deal.stage) if hasattr(pipeline, "stage_rows") else [],
        "stays": list(reversed(stays)),
        "is_stuck": queries.is_stuck(deal),
        "can_edit": can(principal, "edit", OBJECT_TYPE, deal),
        "can_delete": can(principal, "delete", OBJECT_TYPE, deal),
        **display_context(principal, [deal.company_id]),
    }


@require_GET
@member_required
def deal_detail(request: HttpRequest, deal_id: int) -> HttpResponse:
    principal = page_principal(request)
    deal, body = load(principal, deal_id)
    context = _detail_context(principal, deal, body)
    if is_htmx(request) and "header" in request.GET:
        return render(request, "deals/detail.html#header", context)
    context |= contacts_context(principal, deal) | line_items_context(principal, deal)
    context["engagement"] = engagement_of(principal, [deal]).get(deal.pk)
    with timezone.override(zone_of(principal)):
        return render(request, "deals/detail.html", context)


@require_GET
@member_required
def deal_history(request: HttpRequest, deal_id: int) -> HttpResponse:
    principal = page_principal(request)
    deal = queries.get_deal(principal, deal_id)
    page = list_record_history(principal, deal, cursor=request.GET.get("cursor"), limit=25)
    context = {"entries": page.items, "page": page, "url": f"/deals/{deal.pk}"}
    return render(request, "contacts/_history.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def deal_field(request: HttpRequest, deal_id: int, name: str) -> HttpResponse:
    """GET shows one field; POST saves it (see core.inline_edit for the conflict rules)."""
    if request.method == "POST":
        time_zone = find_workspace(page_principal(request)).time_zone
        return save_field(request, EDITOR, deal_id, name, time_zone)
    return show_field(request, EDITOR, deal_id, name)


@require_GET
@member_required
def deal_field_edit(request: HttpRequest, deal_id: int, name: str) -> HttpResponse:
    return edit_field(request, EDITOR, deal_id, name)


@require_POST
@member_required
def deal_move(request: HttpRequest, deal_id: int) -> HttpResponse:
    """The stage bar: move the deal to the clicked stage (a lost one with its reason)."""
    principal = page_principal(request)
    stage_id, version = request.POST.get("stage_id", ""), request.POST.get("version", "")
    reason = request.POST.get("lost_reason")
    try:
        deal = services.move_deal_to_stage(
            principal,
            deal_id,
            int(stage_id) if stage_id.isdigit() else 0,
            int(version) if version.isdigit() else None,
            reason.strip() if reason is not None else None,
        )
    except Invalid as exc:
        messages.error(request, f"Not moved. {' '.join(e.msg for e in exc.errors) or exc.detail}")
    except PreconditionFailed:
        messages.error(
            request, "Someone changed this deal meanwhile; here it is as it is now. Not moved."
        )
    else:
        messages.success(request, f"Moved to {deal.stage.name}.")
    return redirect(f"/deals/{deal_id}")


@require_POST
@member_required
def deal_delete(request: HttpRequest, deal_id: int) -> HttpResponse:
    principal = page_principal(request)
    deal = queries.get_deal(principal, deal_id)
    services.delete_deal(principal, deal_id)
    messages.success(request, f"{deal} was moved to the restore bin (kept for 30 days).")
    return redirect("/deals")


# --- A new deal ---------------------------------------------------------------------------------


def _defaults(principal: Principal, pipelines: list[Pipeline], query: Any) -> dict[str, Any]:
    """What the form starts with: the first pipeline's first open stage, the workspace's
    currency, the user as owner, and the company the link came from."""
    first = next((s for s in pipelines[0].stage_rows if s.kind == "open"), None)  # type: ignore[attr-defined]
    body: dict[str, Any] = {
        "owner_id": principal.user_id,
        "currency": find_workspace(principal).default_currency,
        "stage_id": str(first.pk) if first else "",
        "forecast_category": "pipeline",
    }
    company = query.get("company", "")
    if company.isdigit():
        body["company_id"] = get_company(principal, int(company)).pk
    return body


def _linked_contact(principal: Principal, raw: str) -> dict[str, Any] | None:
    """The contact a "New deal" link from a contact's page carries, with its name."""
    if not raw.isdigit():
        return None
    contact = get_contact(principal, int(raw))
    return {"id": contact.pk, "name": str(contact)}


@require_http_methods(["GET", "POST"])
@member_required
def deal_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    pipelines = pipelines_or_default(principal)
    specs = [s for s in specs_of(principal, pipelines) if s.name in CREATE_FIELDS or s.is_custom]
    source = request.POST if request.method == "POST" else request.GET
    contact = _linked_contact(principal, source.get("contact_id", "") or source.get("contact", ""))
    body = _defaults(principal, pipelines, request.GET)
    errors: dict[str, list[str]] = {}
    problems: list[str] = []
    if request.method == "POST":
        data = service_data(specs, request.POST, find_workspace(principal).time_zone)
        if contact is not None:
            role = request.POST.get("contact_role", "other")
            data["contacts"] = [{"contact_id": contact["id"], "role": role, "is_primary": True}]
        try:
            deal = services.create_deal(principal, with_ids(principal, data))
        except Invalid as exc:
            errors, problems = errors_by_input(exc, specs)
        else:
            messages.success(request, f"{deal} was added.")
            return redirect(f"/deals/{deal.pk}")
    context = {
        "specs": specs,
        "body": body,
        "posted": request.POST if request.method == "POST" else None,
        "errors": errors,
        "problems": problems,
        "contact": contact,
        "contact_role": source.get("contact_role", "decision_maker"),
        "role_choices": ROLE_CHOICES,
        **display_context(principal, [body.get("company_id")]),
    }
    return render(request, "deals/new.html", context, status=422 if errors or problems else 200)
