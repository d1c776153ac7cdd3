"""Pages: the notification centre, the bell's unread count, and Settings > Notifications.

Thin: queries list, services mark read and save choices. The bell in the shell loads its count
from /notifications/badge with htmx after the page, so no page pays for it up front.
"""

from __future__ import annotations

import zoneinfo

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.pages import is_htmx, page_principal
from rapport.notifications import queries, services
from rapport.notifications.forms import PreferencesForm
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import find_membership, find_workspace

URL = "/notifications"
SETTINGS_URL = "/settings/notifications"
PAGE_SIZE = 50
CHANGED_EVENT = "notifications-changed"  # the bell refreshes its count on this htmx event


def _zone(request: HttpRequest) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(find_workspace(page_principal(request)).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


@require_GET
@member_required
def notification_centre(request: HttpRequest) -> HttpResponse:
    """Your notifications, newest first (`?unread=1`: only unread), unread ones highlighted."""
    principal = page_principal(request)
    unread_only = request.GET.get("unread") == "1"
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort=None, limit=PAGE_SIZE, cursor=cursor, fields=None)
    page = queries.list_notifications(principal, params, unread_only)
    context = {
        "page": page,
        "unread_only": unread_only,
        "unread_count": queries.count_unread(principal)[0],
    }
    with timezone.override(_zone(request)):
        return render(request, "notifications/centre.html", context)


@require_POST
@member_required
def mark_one_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    """Mark one read; htmx gets the item back (and the bell a nudge), a plain post a redirect."""
    principal = page_principal(request)
    services.mark_read(principal, [notification_id])
    if not is_htmx(request):
        return redirect(URL)
    item = queries.get_notification(principal, notification_id)
    with timezone.override(_zone(request)):
        response = render(request, "notifications/centre.html#item", {"item": item})
    response["HX-Trigger"] = CHANGED_EVENT
    return response


@require_POST
@member_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    marked = services.mark_all_read(page_principal(request))
    word = "notification" if marked == 1 else "notifications"
    messages.success(request, f"{marked} {word} marked read." if marked else "Nothing was unread.")
    return redirect(URL)


@member_required
def _badge(request: HttpRequest) -> HttpResponse:
    count, capped = queries.count_unread(page_principal(request))
    return render(request, "notifications/_badge.html", {"count": count, "capped": capped})


@never_cache
@require_GET
def unread_badge(request: HttpRequest) -> HttpResponse:
    """The bell's count. Signed out (a session that expired), 204: htmx keeps what it shows
    rather than swapping the sign-in page into the header."""
    if not request.user.is_authenticated:
        return HttpResponse(status=204)
    return _badge(request)


@require_http_methods(["GET", "POST"])
@member_required
def notification_settings(request: HttpRequest) -> HttpResponse:
    """Which kinds reach you in the app and by email; saving redirects with a message."""
    principal = page_principal(request)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():  # checkboxes: every post is valid
            services.set_preferences(principal, form.choices())
            messages.success(request, "Notification settings saved.")
            return redirect(SETTINGS_URL)
    else:
        initial = PreferencesForm.initial_of(queries.list_preferences(principal))
        form = PreferencesForm(initial=initial)
    seat = find_membership(principal.user_id or 0, principal.workspace_id)
    context = {"form": form, "away_until": seat.away_until if seat else None}
    return render_settings(request, "settings/notifications.html", context)
