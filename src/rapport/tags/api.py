"""/api/v1/tags: workspace-wide labels."""

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
from rapport.tags import queries, services
from rapport.tags.schemas import TagCreate, TagRead, TagUpdate, tag_body

PREFIX = "/tags"
router = Router(tags=["tags"])


@router.get("", response=ListResponse)
def list_tags(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, TagRead.model_fields)
    return json_response(
        page_body(queries.list_tags(principal_of(request), params), tag_body, fields)
    )


@router.post("", response={201: TagRead})
def create_tag(request: HttpRequest, payload: TagCreate) -> HttpResponse:
    def write() -> HttpResponse:
        tag = services.create_tag(principal_of(request), payload.name, payload.color)
        return record_response(tag, tag_body(tag), 201, f"/api/v1{PREFIX}/{tag.pk}")

    return idempotent(request, principal_of(request), write)


@router.get("/{tag_id}", response=TagRead)
def get_tag(request: HttpRequest, tag_id: RecordId) -> HttpResponse:
    tag = queries.get_tag(principal_of(request), tag_id)
    return record_response(tag, tag_body(tag))


@router.patch("/{tag_id}", response=TagRead)
def update_tag(request: HttpRequest, tag_id: RecordId, payload: TagUpdate) -> HttpResponse:
    version = expected_version(request, tag_id)
    tag = services.update_tag(
        principal_of(request), tag_id, payload.model_dump(exclude_unset=True), version
    )
    return record_response(tag, tag_body(tag))


@router.delete("/{tag_id}", response={204: None})
def delete_tag(request: HttpRequest, tag_id: RecordId) -> HttpResponse:
    services.delete_tag(principal_of(request), tag_id)
    return no_content()
