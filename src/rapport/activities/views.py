"""Pages: a record's timeline and quick actions (partials the record pages embed), My tasks, and
the activities list with its saved views and bulk actions (built like the contact list).

Thin: they parse input, call activities.services or activities.queries with the Principal, and
render. Times are shown, and datetime-local inputs read, in the workspace's time zone.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import reswap, retarget

from rapport.activities import queries, services
from rapport.activities.forms import (
    DEFAULT_COLUMNS,
    ERROR_NAMES,
    LINK_FILTERS,
    LIST_FIELDS,
    OUTCOMES,
    QUICK_ACTIONS,
    QUICK_FILTERS,
    QuickActivityForm,
)
from rapport.activities.models import Activity
from rapport.activities.schemas import activity_body
from rapport.companies.queries import company_names
from rapport.contacts.queries import contact_names
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.list_state import OPERATOR_LABELS, PAGE_SIZE, column_choices, visible_columns
from rapport.core.pages import add_service_errors, is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can, require
from rapport.deals.queries import deal_names
from rapport.savedviews.queries import ListViews, list_state_with_views
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace, member_labels

OBJECT_TYPE = "activity"
TIMELINE_SIZE = 25
MY_TASKS_LIMIT = 200  # one page, sorted by due date; the activities list shows the rest
# The timeline's filter buttons: URL value -> (label, the query's kinds).
TIMELINE_FILTERS = {
    "": ("All", None),
    "note": ("Notes", ["note"]),
    "call": ("Calls", ["call"]),
    "meeting": ("Meetings", ["meeting"]),
    "email": ("Emails", ["email"]),
    "task": ("Tasks", ["task"]),
    "changes": ("Changes", [queries.CHANGE]),
}
TASK_GROUPS = {
    "overdue": "Overdue",
    "today": "Today",
    "upcoming": "Upcoming",
    "undated": "No due date",
}
_RECORD_ID = re.compile(r"[1-9][0-9]{0,17}")


def _zone(principal: Principal) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(find_workspace(principal).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _record_ref(params: QueryDict) -> tuple[str, int]:
    """The record a timeline or quick action is for: `contact=<id>` or `company=<id>`."""
    given = [(name, params.get(name, "")) for name in queries.TIMELINE_RECORDS if name in params]
    if len(given) != 1 or not _RECORD_ID.fullmatch(given[0][1]):
        raise NotFound("Choose one contact or company.")
    return given[0][0], int(given[0][1])


def _quick_kind(raw: str | None) -> str:
    if raw not in QUICK_ACTIONS:
        raise Invalid.on("kind", f"Choose one of: {', '.join(QUICK_ACTIONS)}.")
    return raw


def _assignees(principal: Principal) -> dict[int, str]:
    """Active members to assign a task to; the acting user is always among them."""
    members = member_labels(principal, active_only=True)
    if principal.user_id is not None and principal.user_id not in members:
        members[principal.user_id] = str(principal.extra.get("label") or "Me")
    return members


# --- A record's timeline and quick actions ------------------------------------------------------


def _timeline_context(
    request: HttpRequest, principal: Principal, object_type: str, object_id: int, kind: str
) -> dict[str, Any]:
    if kind not in TIMELINE_FILTERS:
        raise Invalid.on("kind", f"Choose one of: {', '.join(k for k in TIMELINE_FILTERS if k)}.")
    cursor = request.GET.get("cursor") or None
    result = queries.timeline(
        principal,
        object_type,
        object_id,
        TIMELINE_FILTERS[kind][1],
        cursor,
        TIMELINE_SIZE,
        related=True,
    )
    record = {object_type: object_id}
    more = {**record, **({"kind": kind} if kind else {}), "cursor": result.next_cursor}
    return {
        "record_type": object_type,
        "record_query": urlencode(record),
        "kind": kind,
        "filters": [(value, label) for value, (label, _) in TIMELINE_FILTERS.items()],
        "items": result.items,
        "cursor": cursor,
        "more_query": urlencode(more) if result.next_cursor else "",
        "can_create": can(principal, "create", OBJECT_TYPE),
        "quick_actions": list(QUICK_ACTIONS.items()),
    }


def _render_timeline(
    request: HttpRequest, principal: Principal, object_type: str, object_id: int, part: str
) -> HttpResponse:
    kind = request.GET.get("kind", "") if request.method == "GET" else ""
    context = _timeline_context(request, principal, object_type, object_id, kind)
    with timezone.override(_zone(principal)):
        return render(request, f"activities/timeline.html#{part}", context)


@require_GET
@member_required
def timeline(request: HttpRequest) -> HttpResponse:
    """The record's activity section; a filter button gets #timeline, "Load more" the next items."""
    object_type, object_id = _record_ref(request.GET)
    if request.GET.get("cursor"):
        part = "items"
    elif request.headers.get("HX-Target") == "timeline":
        part = "timeline"
    else:
        part = "activities"
    return _render_timeline(request, page_principal(request), object_type, object_id, part)


def _form_response(
    request: HttpRequest, form: QuickActivityForm, record: tuple[str, int], status: int = 200
) -> HttpResponse:
    form.focus()
    context = {
        "form": form,
        "kind": form.kind,
        "title": QUICK_ACTIONS[form.kind],
        "record_type": record[0],
        "record_id": record[1],
        "outcomes": OUTCOMES,
    }
    return render(request, "activities/timeline.html#quick-form", context, status=status)


@require_GET
@member_required
def new_activity(request: HttpRequest) -> HttpResponse:
    """A quick action's form, shown above the record's timeline."""
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    record = _record_ref(request.GET)
    queries.get_timeline_record(principal, *record)
    kind = _quick_kind(request.GET.get("kind"))
    members = _assignees(principal) if kind == "task" else {}
    form = QuickActivityForm(kind, members, initial={"assignee": principal.user_id})
    with timezone.override(_zone(principal)):
        return _form_response(request, form, record)


def _create_activity(request: HttpRequest) -> HttpResponse:
    """Create from a quick action; answer the refreshed section, or the form with its problems."""
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    object_type, object_id = record = _record_ref(request.POST)
    queries.get_timeline_record(principal, object_type, object_id)
    kind = _quick_kind(request.POST.get("kind"))
    members = _assignees(principal) if kind == "task" else {}
    with timezone.override(_zone(principal)):
        form = QuickActivityForm(kind, members, request.POST)
        if form.is_valid():
            fields = {**form.service_fields(), f"{object_type}_id": object_id}
            try:
                services.create_activity(principal, kind, fields)
            except Invalid as exc:
                add_service_errors(form, exc, ERROR_NAMES)
            else:
                response = _render_timeline(
                    request, principal, object_type, object_id, "activities"
                )
                return reswap(retarget(response, "#activities"), "outerHTML")
        return _form_response(request, form, record, status=422)


# --- The activities list ------------------------------------------------------------------------


def _record_link(
    activity: Activity, contacts: dict[int, str], companies: dict[int, str], deals: dict[int, str]
) -> dict[str, str] | None:
    """The contact, company or deal the activity is on, as the list's "record" kind shows it."""
    if activity.contact_id is not None:
        name = contacts.get(activity.contact_id, f"Contact #{activity.contact_id}")
        return {"url": f"/contacts/{activity.contact_id}", "name": name}
    if activity.company_id is not None:
        name = companies.get(activity.company_id, f"Company #{activity.company_id}")
        return {"url": f"/companies/{activity.company_id}", "name": name}
    if activity.deal_id is not None:
        name = deals.get(activity.deal_id, f"Deal #{activity.deal_id}")
        return {"url": f"/deals/{activity.deal_id}", "name": name}
    return None


def _list_rows(
    principal: Principal, activities: list[Activity]
) -> list[tuple[Activity, dict[str, Any]]]:
    """Each activity with its API body, plus its record; only a task says whether it is done."""
    contacts = contact_names(principal, (a.contact_id for a in activities))
    companies = company_names(principal, (a.company_id for a in activities))
    deals = deal_names(principal, (a.deal_id for a in activities))
    rows = []
    for activity in activities:
        body = activity_body(activity)
        body["record"] = _record_link(activity, contacts, companies, deals)
        if activity.kind != "task":
            body["is_done"] = None  # "Done: No" on a call would read as work left to do
        rows.append((activity, body))
    return rows


def _list_context(principal: Principal, list_views: ListViews) -> dict[str, Any]:
    state = list_views.state
    problem = None
    try:
        page = queries.list_activities(
            principal, list(state.filters), state.sort or None, PAGE_SIZE, state.cursor
        )
    except Invalid as exc:
        page, problem = Page([], None, 0, False), exc
    columns = visible_columns(state, LIST_FIELDS)
    members = member_labels(principal)
    return {
        "state": state,
        "list_views": list_views,
        "object_type": OBJECT_TYPE,
        "columns": columns,
        "headers": [(spec, *state.sort_link(spec)) for spec in columns],
        "column_choices": column_choices(state, LIST_FIELDS),
        "quick_filters": [
            (label, state.query_string(filters=terms), state.filters == terms)
            for label, terms in {"All": (), **QUICK_FILTERS}.items()
        ],
        "rows": _list_rows(principal, page.items),
        "page": page,
        "problem": problem,
        "next_query": state.query_string(cursor=page.next_cursor) if page.next_cursor else "",
        "filterable": [spec for spec in (*LIST_FIELDS, *LINK_FILTERS) if spec.filter_key],
        "operators": OPERATOR_LABELS,
        "can_bulk_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
        "members": members,
        "member_choices": list(members.items()),
        "time_zone": find_workspace(principal).time_zone,
    }


@require_http_methods(["GET", "POST"])
@member_required
def activities(request: HttpRequest) -> HttpResponse:
    """GET: the list of visible activities (state in the URL). POST: a quick action's activity."""
    if request.method == "POST":
        return _create_activity(request)
    principal = page_principal(request)
    list_views = list_state_with_views(principal, OBJECT_TYPE, request.GET, DEFAULT_COLUMNS)
    context = _list_context(principal, list_views)
    if is_htmx(request) and list_views.state.cursor:
        return render(request, "activities/list.html#rows", context)
    return render(request, "activities/list.html", context)


# --- Bulk actions on selected activities --------------------------------------------------------

BULK_LIMIT = 500
# Each action and what its success message says happened to the activities.
BULK_DONE = {
    "owner": "updated",
    "complete": "marked done",
    "reopen": "reopened",
    "delete": "moved to the restore bin (kept for 30 days)",
}


def _back_to_list(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("list_query", "")
    return redirect(f"/activities?{query}" if query else "/activities")


@require_POST
@member_required
def activity_bulk(request: HttpRequest) -> HttpResponse:
    """Assign an owner, mark tasks done or open again, or delete: all or nothing."""
    principal = page_principal(request)
    chosen = (i for i in request.POST.getlist("ids") if _RECORD_ID.fullmatch(i))
    ids = list(dict.fromkeys(int(i) for i in chosen))[:BULK_LIMIT]
    action = request.POST.get("action", "")
    if not ids:
        messages.error(request, "Select at least one activity first.")
        return _back_to_list(request)
    try:
        count = _run_bulk(principal, action, ids, request.POST)
    except (Invalid, Forbidden, NotFound) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was changed. {detail}")
    else:
        noun = "activity" if count == 1 else "activities"
        messages.success(request, f"{count} {noun} {BULK_DONE[action]}.")
    return _back_to_list(request)


def _run_bulk(principal: Principal, action: str, ids: list[int], post: QueryDict) -> int:
    if action == "owner":
        owner = post.get("owner_id", "")
        owner_id = int(owner) if _RECORD_ID.fullmatch(owner) else None
        return services.bulk_update_activities(principal, ids, {"owner_id": owner_id})
    if action == "complete":
        return services.bulk_complete_tasks(principal, ids)
    if action == "reopen":
        return services.bulk_reopen_tasks(principal, ids)
    if action == "delete":
        return services.bulk_delete_activities(principal, ids)
    raise Invalid.on("action", "Choose what to do with the selected activities.")


# --- My tasks -----------------------------------------------------------------------------------


def _task_group(task: Activity, today: dt.date, zone: zoneinfo.ZoneInfo) -> str:
    """By the due date in the workspace's time zone: a task due earlier today is still "today"."""
    if task.due_at is None:
        return "undated"
    due_on = task.due_at.astimezone(zone).date()
    if due_on < today:
        return "overdue"
    return "today" if due_on == today else "upcoming"


@require_GET
@member_required
def my_tasks(request: HttpRequest) -> HttpResponse:
    """The signed-in user's open tasks, soonest due first, grouped by when they are due."""
    principal = page_principal(request)
    zone = _zone(principal)
    mine = ["kind:eq:task", f"assignee_id:eq:{principal.user_id}", "is_done:eq:false"]
    page = queries.list_activities(principal, mine, "due_at", MY_TASKS_LIMIT, related=True)
    today = timezone.now().astimezone(zone).date()
    grouped: dict[str, list[Activity]] = {key: [] for key in TASK_GROUPS}
    for task in page.items:
        grouped[_task_group(task, today, zone)].append(task)
    groups = [(key, TASK_GROUPS[key], tasks) for key, tasks in grouped.items() if tasks]
    context = {"groups": groups, "page": page, "can_create": can(principal, "create", OBJECT_TYPE)}
    with timezone.override(zone):
        return render(request, "activities/tasks.html", context)


def _task_row(request: HttpRequest, principal: Principal, task: Activity) -> HttpResponse:
    with timezone.override(_zone(principal)):
        return render(request, "activities/tasks.html#task-row", {"task": task})


@require_POST
@member_required
def complete_task(request: HttpRequest, activity_id: int) -> HttpResponse:
    principal = page_principal(request)
    return _task_row(request, principal, services.complete_task(principal, activity_id))


@require_POST
@member_required
def reopen_task(request: HttpRequest, activity_id: int) -> HttpResponse:
    """Undo a completion: the task is open again."""
    principal = page_principal(request)
    task = services.update_activity(principal, activity_id, {"is_done": False})
    return _task_row(request, principal, task)
