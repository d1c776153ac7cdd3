"""Settings > Audit log: the workspace's log, newest first, filtered and paged by keyset cursor.

Reads through `core.history.list_audit_entries`, the same query as GET /api/v1/audit, which
refuses roles without the "view" right on audit. Dates are days in the workspace's time zone;
"To" is inclusive, so it becomes the next midnight for the query's exclusive `until`.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rapport.core.errors import Invalid
from rapport.core.history import list_audit_entries
from rapport.core.pages import is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import require
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.forms import AuditFilterForm
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import find_workspace, member_labels

PAGE_SIZE = 50
RECORD_URLS = {
    "contact": "/contacts/{}",
    "company": "/companies/{}",
    "deal": "/deals/{}",
    "ticket": "/tickets/id/{}",
    "pipeline": "/settings/pipelines/{}",
}
SNAPSHOT_ACTIONS = {"create", "delete", "hard_delete", "accept", "export", "reset_password"}


def _midnight(day: dt.date | None, zone: zoneinfo.ZoneInfo) -> dt.datetime | None:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone) if day else None


def _entry_view(entry: Any) -> dict[str, Any]:
    """An entry with its changes as rows: (field, before, after) or (field, value)."""
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    is_diff = entry.action not in SNAPSHOT_ACTIONS and all(
        isinstance(v, list) and len(v) == 2 for v in changes.values()
    )
    url = RECORD_URLS.get(entry.object_type)
    return {
        "entry": entry,
        "is_diff": is_diff,
        "changes": sorted(changes.items()),
        "url": url.format(entry.object_id) if url and entry.object_id else "",
    }


def _filters(form: AuditFilterForm, time_zone: str) -> dict[str, Any]:
    """The valid form's filters as `list_audit_entries` takes them (days as aware datetimes)."""
    zone = zoneinfo.ZoneInfo(time_zone)
    data = form.cleaned_data
    until_day = data["until"] + dt.timedelta(days=1) if data["until"] else None
    return {
        "object_type": data["object_type"] or None,
        "object_id": data["object_id"],
        "actor_user_id": data["actor"],
        "action": data["action"] or None,
        "since": _midnight(data["since"], zone),
        "until": _midnight(until_day, zone),
    }


@require_GET
@member_required
def audit_log(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "audit")
    time_zone = find_workspace(principal).time_zone
    form = AuditFilterForm(request.GET, actors=member_labels(principal))
    if not form.is_valid():
        context = {"form": form, "entries": [], "time_zone": time_zone, "is_first_page": True}
        return render_settings(request, "settings/audit.html", context, 422)
    cursor = request.GET.get("cursor") or None
    problem = ""
    try:
        page = list_audit_entries(
            principal, cursor=cursor, limit=PAGE_SIZE, **_filters(form, time_zone)
        )
    except Invalid as exc:  # a cursor that was edited or belongs to another sort
        page, problem = Page([], None, 0, False), exc.detail
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    context = {
        "form": form,
        "entries": [_entry_view(entry) for entry in page.items],
        "page": page,
        "time_zone": time_zone,
        "problem": problem,
        "is_first_page": cursor is None,
        "filter_query": urlencode(query),
        "next_query": urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else "",
    }
    if is_htmx(request) and cursor:
        return render_settings(request, "settings/audit.html#entries", context)
    return render_settings(request, "settings/audit.html", context)
