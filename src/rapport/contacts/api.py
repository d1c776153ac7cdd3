"""/api/v1/contacts: people the workspace deals with."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.contacts import queries, services
from rapport.contacts.schemas import ContactRead, ContactWrite, contact_body
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
