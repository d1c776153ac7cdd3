"""/api/v1/notifications: your notifications, the unread count, marking read, your choices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Body, Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    json_response,
    page_body,
    principal_of,
    selected_fields,
)
from rapport.core.errors import Invalid
from rapport.notifications import queries, services
from rapport.notifications.schemas import (
    MarkedRead,
    MarkRead,
    NotificationRead,
    PreferenceChoice,
    PreferenceList,
    UnreadCount,
    notification_body,
    preferences_body,
)

PREFIX = "/notifications"
router = Router(tags=["notifications"])


@router.get("", response=ListResponse)
def list_notifications(
    request: HttpRequest, params: Query[ListParams], unread: bool = False
) -> HttpResponse:
    """Newest first; `unread=true` keeps those not read yet."""
    fields = selected_fields(params.fields, NotificationRead.model_fields)
    page = queries.list_notifications(principal_of(request), params, unread)
    return json_response(page_body(page, notification_body, fields))


@router.get("/unread-count", response=UnreadCount)
def unread_count(request: HttpRequest) -> HttpResponse:
    count, capped = queries.count_unread(principal_of(request))
    return json_response({"count": count, "count_is_capped": capped})


@router.post("/mark-read", response=MarkedRead)
def mark_read(request: HttpRequest, payload: MarkRead) -> HttpResponse:
    """`{"ids": [...]}` marks those read (404, nothing changed, if one is not yours);
    `{"all": true}` marks every one read."""
    principal = principal_of(request)
    if payload.all == (payload.ids is not None):
        raise Invalid.on("ids", 'Send either "ids" or "all": true.')
    if payload.all:
        marked = services.mark_all_read(principal)
    else:
        marked = services.mark_read(principal, payload.ids or [])
    return json_response({"marked": marked, "unread": queries.count_unread(principal)[0]})


@router.get("/preferences", response=PreferenceList)
def get_preferences(request: HttpRequest) -> HttpResponse:
    """Every kind with your choice (in the app, by email), or its default."""
    return json_response(preferences_body(queries.list_preferences(principal_of(request))))


@router.put("/preferences", response=PreferenceList)
def set_preferences(
    request: HttpRequest, payload: Body[dict[str, PreferenceChoice]]
) -> HttpResponse:
    """`{kind: {"in_app": bool, "by_email": bool}}`; kinds and keys left out keep their value."""
    choices = {kind: c.model_dump(exclude_none=True) for kind, c in payload.items()}
    preferences = services.set_preferences(principal_of(request), choices)
    return json_response(preferences_body(preferences))
