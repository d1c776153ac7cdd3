"""/api/v1/custom-fields: define, rename, reorder and delete custom fields."""

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
from rapport.customfields import queries, services
from rapport.customfields.schemas import (
    CustomFieldCreate,
    CustomFieldRead,
    CustomFieldReorder,
    CustomFieldUpdate,
    custom_field_body,
)

PREFIX = "/custom-fields"
router = Router(tags=["custom fields"])


@router.get("", response=ListResponse)
def list_custom_fields(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, CustomFieldRead.model_fields)
    page = queries.list_custom_fields(principal_of(request), params)
    return json_response(page_body(page, custom_field_body, fields))


@router.post("", response={201: CustomFieldRead})
def create_custom_field(request: HttpRequest, payload: CustomFieldCreate) -> HttpResponse:
    def write() -> HttpResponse:
        field = services.create_custom_field(principal_of(request), **payload.model_dump())
        location = f"/api/v1{PREFIX}/{field.pk}"
        return record_response(field, custom_field_body(field), 201, location)

    return idempotent(request, principal_of(request), write)


@router.post("/reorder", response=list[CustomFieldRead])
def reorder_custom_fields(request: HttpRequest, payload: CustomFieldReorder) -> HttpResponse:
    fields = services.reorder_custom_fields(
        principal_of(request), payload.object_type, payload.field_ids
    )
    return json_response([custom_field_body(f) for f in fields])


@router.get("/{field_id}", response=CustomFieldRead)
def get_custom_field(request: HttpRequest, field_id: RecordId) -> HttpResponse:
    field = queries.get_custom_field(principal_of(request), field_id)
    return record_response(field, custom_field_body(field))


@router.patch("/{field_id}", response=CustomFieldRead)
def update_custom_field(
    request: HttpRequest, field_id: RecordId, payload: CustomFieldUpdate
) -> HttpResponse:
    version = expected_version(request, field_id)
    changes = payload.model_dump(exclude_unset=True)
    field = services.update_custom_field(principal_of(request), field_id, changes, version)
    return record_response(field, custom_field_body(field))


@router.delete("/{field_id}", response={204: None})
def delete_custom_field(request: HttpRequest, field_id: RecordId) -> HttpResponse:
    services.delete_custom_field(principal_of(request), field_id)
    return no_content()
