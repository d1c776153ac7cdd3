"""/api/v1/contacts: people the workspace deals with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router

from rapport.companies.schemas import export_columns
from rapport.contacts import queries, services
from rapport.contacts.schemas import (
    EXPORT_COLUMNS,
    ContactRead,
    ContactWrite,
    contact_body,
    contact_row,
)
from rapport.core.api_support import (
    ExportParams,
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
from rapport.core.csv_export import OPENAPI_RESPONSES, chosen_columns, csv_response
from rapport.customfields.queries import active_fields

PREFIX = "/contacts"
router = Router(tags=["contacts"])


def _respond(request: HttpRequest, contact_id: RecordId, status: int = 200) -> HttpResponse:
    contact = queries.get_contact(principal_of(request), contact_id)
    body = contact_body(contact, active_fields(contact.workspace_id, "contact"))
    location = f"/api/v1{PREFIX}/{contact.pk}" if status == 201 else None
    return record_response(contact, body, status, location)


@router.get("", response=ListResponse)
def list_contacts(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    selected = selected_fields(params.fields, ContactRead.model_fields)
    custom_fields = active_fields(principal_of(request).workspace_id, "contact")
    page = queries.list_contacts(principal_of(request), params, custom_fields)
    return json_response(page_body(page, lambda c: contact_body(c, custom_fields), selected))


@router.post("", response={201: ContactRead})
def create_contact(request: HttpRequest, payload: ContactWrite) -> HttpResponse:
    def write() -> HttpResponse:
        contact = services.create_contact(
            principal_of(request), payload.model_dump(exclude_unset=True)
        )
        return _respond(request, contact.pk, 201)

    return idempotent(request, principal_of(request), write)


# Before /{contact_id}: the first matching route wins.
@router.get("/export", openapi_extra=OPENAPI_RESPONSES)
def export_contacts(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    """CSV of the contacts the list shows with these filters and sort, within your export scope."""
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "contact")
    columns = chosen_columns(export_columns(EXPORT_COLUMNS, custom_fields), params.fields)
    chunks = services.export_contacts(principal, params, custom_fields, columns)
    rows = (
        contact_row(c, custom_fields, chunk.user_emails) for chunk in chunks for c in chunk.records
    )
    return csv_response("contacts", columns, rows)


@router.get("/{contact_id}", response=ContactRead)
def get_contact(request: HttpRequest, contact_id: RecordId) -> HttpResponse:
    return _respond(request, contact_id)


@router.patch("/{contact_id}", response=ContactRead)
def update_contact(
    request: HttpRequest, contact_id: RecordId, payload: ContactWrite
) -> HttpResponse:
    version = expected_version(request, contact_id)
    services.update_contact(
        principal_of(request), contact_id, payload.model_dump(exclude_unset=True), version
    )
    return _respond(request, contact_id)


@router.delete("/{contact_id}", response={204: None})
def delete_contact(request: HttpRequest, contact_id: RecordId, hard: bool = False) -> HttpResponse:
    if hard:
        services.hard_delete_contact(principal_of(request), contact_id)
    else:
        services.delete_contact(principal_of(request), contact_id)
    return no_content()


@router.post("/{contact_id}/restore", response=ContactRead)
def restore_contact(request: HttpRequest, contact_id: RecordId) -> HttpResponse:
    services.restore_contact(principal_of(request), contact_id)
    return _respond(request, contact_id)
