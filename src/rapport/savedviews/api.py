"""/api/v1/saved-views: named list configurations, private to their owner or shared."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    principal_of,
    record_response,
    selected_fields,
)
from rapport.savedviews import queries, services
from rapport.savedviews.schemas import (
    SavedViewCreate,
    SavedViewRead,
    SavedViewUpdate,
    saved_view_body,
)

PREFIX = "/saved-views"
router = Router(tags=["saved views"])


@router.get("", response=ListResponse)
def list_saved_views(
    request: HttpRequest, params: Query[ListParams], object_type: str | None = None
) -> HttpResponse:
    """The caller's own private views first, then the shared ones, each in position order."""
    fields = selected_fields(params.fields, SavedViewRead.model_fields)
    page = queries.list_saved_views(principal_of(request), params, object_type)
    return json_response(page_body(page, saved_view_body, fields))


@router.post("", response={201: SavedViewRead})
def create_saved_view(request: HttpRequest, payload: SavedViewCreate) -> HttpResponse:
    def write() -> HttpResponse:
        view = services.create_saved_view(principal_of(request), **payload.model_dump())
        location = f"/api/v1{PREFIX}/{view.pk}"
        return record_response(view, saved_view_body(view), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get("/{view_id}", response=SavedViewRead)
def get_saved_view(request: HttpRequest, view_id: RecordId) -> HttpResponse:
    view = queries.get_saved_view(principal_of(request), view_id)
    return record_response(view, saved_view_body(view))


@router.patch("/{view_id}", response=SavedViewRead)
def update_saved_view(
    request: HttpRequest, view_id: RecordId, payload: SavedViewUpdate
) -> HttpResponse:
    version = expected_version(request, view_id)
    changes = payload.model_dump(exclude_unset=True)
    view = services.update_saved_view(principal_of(request), view_id, changes, version)
    return record_response(view, saved_view_body(view))


@router.delete("/{view_id}", response={204: None})
def delete_saved_view(request: HttpRequest, view_id: RecordId) -> HttpResponse:
    services.delete_saved_view(principal_of(request), view_id)
    return no_content()
