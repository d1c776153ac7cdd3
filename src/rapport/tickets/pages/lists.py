"""The ticket queues (/tickets): views, filters, sort, saved views and bulk actions, built like
the deal list. A queue's whole state is in its URL (`view` plus core.list_state's terms)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.list_state import PAGE_SIZE, ListState
from rapport.core.pages import is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can, require
from rapport.customfields.queries import active_fields
from rapport.savedviews.queries import ListViews, list_state_with_views
from rapport.tickets import queries, services
from rapport.tickets.pages.display import (
    OBJECT_TYPE,
    PRIORITY_CHOICES,
    STATUS_CHOICES,
    people_context,
    previews,
)
from rapport.workspaces.auth import member_required

BULK_LIMIT = 500
DEFAULT_COLUMNS = ("number", "subject", "status", "priority", "assignee_id", "updated_at")
VIEW_TABS = (
    ("my_open", "My open tickets"),
    ("unassigned", "Unassigned in my teams"),
    ("all_open", "All open"),
    ("pending", "Pending customer"),
    ("solved", "Solved"),
    ("all", "All tickets"),
)
COUNTED = ("my_open", "unassigned")  # cheap, indexed counts shown beside their tab
COUNT_CAP = 99
FILTERED = ("status", "priority", "team_id", "assignee_id", "tags")
SORTS = (
    ("-updated_at", "Recently updated"),
    ("updated_at", "Least recently updated"),
    ("-last_customer_message_at", "Customer wrote last"),
    ("-created_at", "Newest"),
    ("created_at", "Oldest"),
    ("-number", "Number"),
)


def view_of(query: QueryDict, list_views: ListViews) -> str:
    """The queue the URL names; a saved view or filters alone mean every ticket."""
    view = query.get("queue", "")
    if view in queries.VIEWS:
        return view
    return "all" if list_views.current or list_views.state.filters else "my_open"


def _counts(principal: Principal) -> dict[str, str]:
    counts = {}
    for view in COUNTED:
        qs = queries.visible_tickets(principal).filter(queries.view_q(principal, view))
        found = qs.values("pk")[: COUNT_CAP + 1].count()
        counts[view] = f"{COUNT_CAP}+" if found > COUNT_CAP else str(found)
    return counts


def _filter_values(state: ListState) -> dict[str, str]:
    """The quick filters' current values (the first `eq` term of each field)."""
    values: dict[str, str] = {}
    for row in state.filter_rows():
        if row.field in FILTERED and row.op in ("eq", "contains") and row.field not in values:
            values[row.field] = row.value
    return values


def _page(principal: Principal, state: ListState, view: str) -> tuple[Page[Any], Invalid | None]:
    params = ListParams(
        filter=list(state.filters),
        sort=state.sort or "-updated_at",
        limit=PAGE_SIZE,
        cursor=state.cursor,
        fields=None,
    )
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    try:
        return queries.list_tickets(principal, params, custom_fields, view=view), None
    except Invalid as exc:
        return Page([], None, 0, False), exc


def _list_context(principal: Principal, list_views: ListViews, view: str) -> dict[str, Any]:
    state = list_views.state
    page, problem = _page(principal, state, view)
    query = state.query_string()
    return {
        "state": state,
        "list_views": list_views,
        "object_type": OBJECT_TYPE,
        "view": view,
        "view_tabs": [(key, text, f"/tickets?queue={key}") for key, text in VIEW_TABS],
        "counts": _counts(principal),
        "page": page,
        "problem": problem,
        "previews": previews(principal, [t.pk for t in page.items]),
        "next_query": f"queue={view}&{state.query_string(cursor=page.next_cursor)}"
        if page.next_cursor
        else "",
        "list_query": f"queue={view}&{query}",
        "filters": _filter_values(state),
        "sort": state.sort or "-updated_at",
        "sorts": SORTS,
        "status_choices": STATUS_CHOICES,
        "priority_choices": PRIORITY_CHOICES,
        "view_label": dict(VIEW_TABS).get(view, ""),
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_bulk_edit": can(principal, "edit", OBJECT_TYPE),
        **people_context(principal),
    }


@require_GET
@member_required
def ticket_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    list_views = list_state_with_views(principal, OBJECT_TYPE, request.GET, DEFAULT_COLUMNS)
    context = _list_context(principal, list_views, view_of(request.GET, list_views))
    if is_htmx(request) and list_views.state.cursor:
        return render(request, "tickets/list.html#rows", context)
    return render(request, "tickets/list.html", context)


# --- Bulk actions -------------------------------------------------------------------------------


def _back_to_list(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("list_query", "")
    return redirect(f"/tickets?{query}" if query else "/tickets")


def _bulk_data(action: str, post: QueryDict) -> dict[str, Any]:
    value = post.get(action, "").strip()
    if action in ("status", "priority"):
        return {action: value}
    if action in ("assignee_id", "team_id"):
        return {action: int(value) if value.isdigit() else None}
    if action in ("add_tags", "remove_tags"):
        names = [name.strip() for name in post.get("tag", "").split(",") if name.strip()]
        if not names:
            raise Invalid.on("tag", "Type the tag to add or remove.")
        return {action: names}
    raise Invalid.on("action", "Choose what to do with the selected tickets.")


def _merge(principal: Principal, ids: list[int]) -> str:
    """The newer of two selected tickets is merged into the older one, which stays."""
    if len(ids) != 2:
        raise Invalid.on("ids", "Select exactly two tickets to merge.")
    survivor_id, merged_id = sorted(ids)
    survivor = services.merge_tickets(principal, survivor_id, merged_id)
    return f"Merged into #{survivor.number}: the newer ticket's conversation moved there."


@require_POST
@member_required
def ticket_bulk(request: HttpRequest) -> HttpResponse:
    """Set status, priority, assignee or team, add or remove tags, or merge two: all or nothing."""
    principal = page_principal(request)
    ids = list(dict.fromkeys(int(i) for i in request.POST.getlist("ids") if i.isdigit()))[
        :BULK_LIMIT
    ]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, "Select at least one ticket first.")
        return _back_to_list(request)
    try:
        if action == "merge":
            done = _merge(principal, ids)
        else:
            count = services.bulk_update_tickets(principal, ids, _bulk_data(action, request.POST))
            done = f"{count} ticket{'s' if count != 1 else ''} updated."
    except (Invalid, Forbidden, NotFound, Conflict) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was changed. {detail}")
    else:
        messages.success(request, done)
    return _back_to_list(request)
