"""/api/v1/activities (CRUD, restore, complete) and the record timelines.

The router mounts at the API root so that it can also answer /contacts/{id}/timeline and
/companies/{id}/timeline: a timeline is made of activities, so it belongs to this app.
"""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.activities import queries, services
from rapport.activities.schemas import (
    ActivityCreate,
    ActivityRead,
    ActivityUpdate,
    TimelineRead,
    activity_body,
    timeline_item_body,
)
from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    record_response,
    selected_fields,
)
from rapport.core.permissions import Principal

PREFIX = ""
router = Router(tags=["activities"])


def _principal(request: HttpRequest) -> Principal:
    return cast(Principal, request.auth)  # type: ignore[attr-defined]


def _optional_version(request: HttpRequest, activity_id: RecordId) -> int | None:
    """If-Match is checked when sent; deletes and state changes do not require it."""
    if not request.headers.get("If-Match"):
        return None
    return expected_version(request, activity_id)


def _location(activity_id: RecordId) -> str:
    return f"/api/v1/activities/{activity_id}"


@router.get("/activities", response=ListResponse)
def list_activities(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    page = queries.list_activities(
        _principal(request), params.filter, params.sort, params.limit, params.cursor
    )
    fields = selected_fields(params.fields, ActivityRead.model_fields)
    return json_response(page_body(page, activity_body, fields))


@router.post("/activities", response={201: ActivityRead})
def create_activity(request: HttpRequest, payload: ActivityCreate) -> HttpResponse:
    principal = _principal(request)

    def write() -> HttpResponse:
        fields = payload.model_dump(exclude_unset=True)
        activity = services.create_activity(principal, fields.pop("kind"), fields)
        return record_response(activity, activity_body(activity), 201, _location(activity.pk))

    return idempotent(request, principal, write)


@router.get("/activities/{int:activity_id}", response=ActivityRead)
def get_activity(request: HttpRequest, activity_id: RecordId) -> HttpResponse:
    activity = queries.get_activity(_principal(request), activity_id)
    return record_response(activity, activity_body(activity))


@router.patch("/activities/{int:activity_id}", response=ActivityRead)
def update_activity(
    request: HttpRequest, activity_id: RecordId, payload: ActivityUpdate
) -> HttpResponse:
    version = expected_version(request, activity_id)
    activity = services.update_activity(
        _principal(request), activity_id, payload.model_dump(exclude_unset=True), version
    )
    return record_response(activity, activity_body(activity))


@router.delete("/activities/{int:activity_id}", response={204: None})
def delete_activity(request: HttpRequest, activity_id: RecordId) -> HttpResponse:
    version = _optional_version(request, activity_id)
    services.delete_activity(_principal(request), activity_id, version)
    return no_content()


@router.post("/activities/{int:activity_id}/restore", response=ActivityRead)
def restore_activity(request: HttpRequest, activity_id: RecordId) -> HttpResponse:
    activity = services.restore_activity(_principal(request), activity_id)
    return record_response(activity, activity_body(activity))


@router.post("/activities/{int:activity_id}/complete", response=ActivityRead)
def complete_task(request: HttpRequest, activity_id: RecordId) -> HttpResponse:
    version = _optional_version(request, activity_id)
    activity = services.complete_task(_principal(request), activity_id, version)
    return record_response(activity, activity_body(activity))


def _timeline(
    request: HttpRequest,
    object_type: str,
    object_id: RecordId,
    kinds: str | None,
    cursor: str | None,
    limit: int,
) -> HttpResponse:
    result = queries.timeline(
        _principal(request),
        object_type,
        object_id,
        queries.timeline_kinds(kinds),
        cursor,
        limit,
    )
    items = [timeline_item_body(item) for item in result.items]
    return json_response({"items": items, "next_cursor": result.next_cursor})


@router.get("/contacts/{int:contact_id}/timeline", response=TimelineRead)
def contact_timeline(
    request: HttpRequest,
    contact_id: RecordId,
    kinds: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> HttpResponse:
    """The contact's activities and field changes, newest first."""
    return _timeline(request, "contact", contact_id, kinds, cursor, limit)


@router.get("/companies/{int:company_id}/timeline", response=TimelineRead)
def company_timeline(
    request: HttpRequest,
    company_id: RecordId,
    kinds: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> HttpResponse:
    """The company's activities and field changes, and its contacts' activities, newest first."""
    return _timeline(request, "company", company_id, kinds, cursor, limit)


@router.get("/deals/{int:deal_id}/timeline", response=TimelineRead)
def deal_timeline(
    request: HttpRequest,
    deal_id: RecordId,
    kinds: str | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> HttpResponse:
    """The deal's activities and field changes, newest first."""
    return _timeline(request, "deal", deal_id, kinds, cursor, limit)
