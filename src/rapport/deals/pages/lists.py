"""The deal list (/deals) with its saved views and bulk actions, built like the company list, and
the "Deals" section that company and contact pages embed."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.companies.queries import get_company
from rapport.contacts.queries import get_contact
from rapport.core.api_support import ListParams
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.list_state import (
    OPERATOR_LABELS,
    PAGE_SIZE,
    ListState,
    column_choices,
    visible_columns,
)
from rapport.core.pages import is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can
from rapport.customfields.queries import active_fields
from rapport.deals import queries, services
from rapport.deals.forms import DEFAULT_COLUMNS, FILTER_ONLY, deal_specs
from rapport.deals.models import Pipeline
from rapport.deals.pages.records import OBJECT_TYPE, display_context, page_body
from rapport.savedviews.queries import ListViews, list_state_with_views
from rapport.workspaces.auth import member_required

BULK_LIMIT = 500
RELATED_DEALS = 20  # a company's or contact's page lists this many of its deals


def current_pipeline(state: ListState, pipelines: list[Pipeline]) -> Pipeline | None:
    """The pipeline the list is filtered to (`pipeline_id:eq:<id>`), else the first one."""
    for row in state.filter_rows():
        if row.field == "pipeline_id" and row.op == "eq":
            chosen = next((p for p in pipelines if str(p.pk) == row.value), None)
            if chosen is not None:
                return chosen
    return pipelines[0] if pipelines else None


def view_tabs(state: ListState, current: str) -> list[tuple[str, str, bool]]:
    """The List / Board switch, keeping the filters and the open view."""
    query = state.query_string()
    return [
        ("List", f"/deals?{query}", current == "list"),
        ("Board", f"/deals/board?{query}", current == "board"),
    ]


def _list_context(principal: Principal, list_views: ListViews) -> dict[str, Any]:
    state = list_views.state
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    pipelines = queries.pipelines_of(principal)
    specs = deal_specs(custom_fields, pipelines)
    params = ListParams(
        filter=list(state.filters),
        sort=state.sort or None,
        limit=PAGE_SIZE,
        cursor=state.cursor,
        fields=None,
    )
    problem = None
    try:
        page = queries.list_deals(principal, params, custom_fields, related=True)
    except Invalid as exc:
        page, problem = Page([], None, 0, False), exc
    rows = [(deal, page_body(deal, custom_fields)) for deal in page.items]
    name_spec = specs[0]
    optional = specs[1:]  # Name is always the first column
    columns = visible_columns(state, optional)
    pipeline = current_pipeline(state, pipelines)
    return {
        "state": state,
        "list_views": list_views,
        "object_type": OBJECT_TYPE,
        "columns": columns,
        "headers": [(spec, *state.sort_link(spec)) for spec in columns],
        "name_sort": state.sort_link(name_spec),
        "column_choices": column_choices(state, optional),
        "rows": rows,
        "page": page,
        "problem": problem,
        "next_query": state.query_string(cursor=page.next_cursor) if page.next_cursor else "",
        "filterable": [spec for spec in (*specs, *FILTER_ONLY) if spec.filter_key],
        "operators": OPERATOR_LABELS,
        "view_tabs": view_tabs(state, "list"),
        "bulk_stages": pipeline.stage_rows if pipeline else [],  # type: ignore[attr-defined]
        "bulk_pipeline": pipeline,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_bulk_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
        "can_export": can(principal, "export", OBJECT_TYPE),
        "export_query": urlencode([("filter", t) for t in state.filters] + [("sort", state.sort)]),
        **display_context(principal, (deal.company_id for deal in page.items)),
    }


@require_GET
@member_required
def deal_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    list_views = list_state_with_views(principal, OBJECT_TYPE, request.GET, DEFAULT_COLUMNS)
    context = _list_context(principal, list_views)
    if is_htmx(request) and list_views.state.cursor:
        return render(request, "deals/list.html#rows", context)
    return render(request, "deals/list.html", context)


# --- Bulk actions on selected deals -------------------------------------------------------------


def _back_to_list(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("list_query", "")
    return redirect(f"/deals?{query}" if query else "/deals")


@require_POST
@member_required
def deal_bulk(request: HttpRequest) -> HttpResponse:
    """Assign an owner, add or remove a tag, move to a stage, or delete: all or nothing."""
    principal = page_principal(request)
    ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("ids") if i.isdigit()))
    ids = ids[:BULK_LIMIT]
    action = request.POST.get("action", "")
    if action == "export" and ids:  # a download of the selected rows, not a write
        query = urlencode({"filter": f"id:in:{','.join(map(str, ids))}"})
        return redirect(f"/api/v1/deals/export?{query}")
    if not ids:
        messages.error(request, "Select at least one deal first.")
        return _back_to_list(request)
    try:
        count = _run_bulk(principal, action, ids, request.POST)
    except (Invalid, Forbidden, NotFound) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was changed. {detail}")
    else:
        done = "moved to the restore bin" if action == "delete" else "updated"
        messages.success(request, f"{count} deal{'s' if count != 1 else ''} {done}.")
    return _back_to_list(request)


def _stage_change(principal: Principal, post: QueryDict) -> dict[str, Any]:
    """The bulk stage move: the stage, and the lost reason when the stage is a lost one."""
    raw = post.get("stage_id", "")
    stages = {s.pk: s for p in queries.pipelines_of(principal) for s in p.stage_rows}  # type: ignore[attr-defined]
    stage = stages.get(int(raw)) if raw.isdigit() else None
    if stage is None:
        raise Invalid.on("stage_id", "Choose a stage.")
    data: dict[str, Any] = {"stage_id": stage.pk}
    if stage.kind == "lost":
        data["lost_reason"] = post.get("lost_reason", "").strip()
    return data


def _run_bulk(principal: Principal, action: str, ids: list[int], post: QueryDict) -> int:
    if action == "owner":
        owner = post.get("owner_id", "")
        return services.bulk_update_deals(
            principal, ids, {"owner_id": int(owner) if owner.isdigit() else None}
        )
    if action == "stage":
        return services.bulk_update_deals(principal, ids, _stage_change(principal, post))
    if action == "add_tag":
        return services.bulk_tag_deals(principal, ids, add=post.get("tag", "").strip())
    if action == "remove_tag":
        return services.bulk_tag_deals(principal, ids, remove=post.get("tag", "").strip())
    if action == "delete":
        return services.bulk_delete_deals(principal, ids)
    raise Invalid.on("action", "Choose what to do with the selected deals.")


# --- A company's or contact's deals -------------------------------------------------------------


@require_GET
@member_required
def related_deals(request: HttpRequest) -> HttpResponse:
    """The "Deals" section of a company's (`?company=<id>`) or contact's (`?contact=<id>`) page.

    Empty for a role that may not view deals, so the page simply has no such section.
    """
    principal = page_principal(request)
    if not can(principal, "view", OBJECT_TYPE):
        return HttpResponse("")
    company, contact = request.GET.get("company", ""), request.GET.get("contact", "")
    if company.isdigit():
        get_company(principal, int(company))  # NotFound unless visible
        deals = queries.deals_of_company(principal, int(company), RELATED_DEALS)
        new_query, list_filter = f"company={company}", f"company_id:eq:{company}"
    elif contact.isdigit():
        get_contact(principal, int(contact))
        deals = queries.deals_of_contact(principal, int(contact), RELATED_DEALS)
        new_query, list_filter = f"contact={contact}", f"contact_id:eq:{contact}"
    else:
        raise NotFound("Choose one company or contact.")
    context = {
        "deals": deals,
        "has_more": len(deals) == RELATED_DEALS,
        "new_url": f"/deals/new?{new_query}",
        "all_url": f"/deals?{urlencode({'filter': list_filter})}",
        "can_create": can(principal, "create", OBJECT_TYPE),
    }
    return render(request, "deals/related.html", context)
