"""/api/v1/tickets: tickets, their conversation and attachments, queues, bulk changes, merge,
split and following; /api/v1/ticket-settings: the workspace's support settings.

Creating a ticket or a message takes JSON, or multipart/form-data with that JSON in a `payload`
part and files in `attachments` parts (each at most TICKET_ATTACHMENT_MAX_BYTES).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDictKeyError
from ninja import Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError

from rapport.core.api_support import (
    DEFAULT_LIMIT,
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
from rapport.core.errors import Invalid, NotFound
from rapport.customfields.queries import active_fields
from rapport.tickets import queries, services
from rapport.tickets.downloads import attachment_response
from rapport.tickets.schemas import (
    TicketBulkResult,
    TicketBulkUpdate,
    TicketCreate,
    TicketFollow,
    TicketFollowersRead,
    TicketListParams,
    TicketMerge,
    TicketMessageCreate,
    TicketMessageRead,
    TicketRead,
    TicketSettingsRead,
    TicketSettingsUpdate,
    TicketSplit,
    TicketUpdate,
    message_body,
    settings_body,
    ticket_body,
)

PREFIX = ""
router = Router(tags=["tickets"])
S = TypeVar("S", bound=Schema)


def _body_doc(schema: type[Schema]) -> dict[str, Any]:
    """OpenAPI: the endpoint takes JSON, or multipart with the JSON as `payload` and files."""
    multipart = {
        "type": "object",
        "properties": {
            "payload": {"type": "string", "description": "The JSON body."},
            "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
        },
        "required": ["payload"],
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": schema.model_json_schema()},
                "multipart/form-data": {"schema": multipart},
            },
        }
    }


def _input(request: HttpRequest, schema: type[S]) -> tuple[S, list[UploadedFile]]:
    """The body as `schema`, and the uploaded files of a multipart request."""
    files: list[UploadedFile] = []
    if request.content_type == "multipart/form-data":
        if request.headers.get("Idempotency-Key"):
            raise Invalid.on("Idempotency-Key", "Idempotency-Key needs a JSON body.")
        try:
            raw: str | bytes = request.POST["payload"]
            files = request.FILES.getlist("attachments")
        except MultiValueDictKeyError:
            raise Invalid.on("payload", "Put the JSON body in a `payload` part.") from None
        except MultiPartParserError as exc:
            raise Invalid.on("body", f"The multipart body cannot be read: {exc}.") from None
    else:
        raw = request.body
    try:
        data = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        raise Invalid.on("payload", "The body is not valid JSON.") from None
    try:
        return schema.model_validate(data), files
    except ValidationError as exc:
        # As ninja reports a body's errors, so problem+json names the field alone.
        errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
        raise NinjaValidationError(errors) from None


def _respond(request: HttpRequest, ticket_id: int, status: int = 200) -> HttpResponse:
    ticket = queries.get_ticket(principal_of(request), ticket_id)
    body = ticket_body(ticket, active_fields(ticket.workspace_id, "ticket"))
    location = f"/api/v1/tickets/{ticket.pk}" if status == 201 else None
    return record_response(ticket, body, status, location)


@router.get("/tickets", response=ListResponse)
def list_tickets(request: HttpRequest, params: Query[TicketListParams]) -> HttpResponse:
    """A queue (`view`) or any list of tickets, filtered and sorted (newest first)."""
    selected = selected_fields(params.fields, TicketRead.model_fields)
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "ticket")
    params.filter = params.terms()
    page = queries.list_tickets(principal, params, custom_fields, view=params.view or "")
    return json_response(page_body(page, lambda t: ticket_body(t, custom_fields), selected))


@router.post("/tickets", response={201: TicketRead}, openapi_extra=_body_doc(TicketCreate))
def create_ticket(request: HttpRequest) -> HttpResponse:
    payload, files = _input(request, TicketCreate)
    data = payload.model_dump(exclude_unset=True, exclude={"body", "message_kind"})

    def write() -> HttpResponse:
        ticket = services.create_ticket(
            principal_of(request), data, payload.body,
            message_kind=payload.message_kind, attachments=files,
        )  # fmt: skip
        return _respond(request, ticket.pk, 201)

    return idempotent(request, principal_of(request), write)


@router.post("/tickets/bulk", response=TicketBulkResult)
def bulk_update_tickets(request: HttpRequest, payload: TicketBulkUpdate) -> HttpResponse:
    """The same change on every ticket named, all or none (one refused ticket changes none)."""
    data = payload.model_dump(exclude_unset=True, exclude={"ids"})
    count = services.bulk_update_tickets(principal_of(request), payload.ids, data)
    return json_response({"updated": count})


@router.get("/tickets/{ticket_id}", response=TicketRead)
def get_ticket(request: HttpRequest, ticket_id: RecordId) -> HttpResponse:
    return _respond(request, ticket_id)


@router.patch("/tickets/{ticket_id}", response=TicketRead)
def update_ticket(request: HttpRequest, ticket_id: RecordId, payload: TicketUpdate) -> HttpResponse:
    version = expected_version(request, ticket_id)
    changes = payload.model_dump(exclude_unset=True)
    services.update_ticket(principal_of(request), ticket_id, changes, version)
    return _respond(request, ticket_id)


@router.delete("/tickets/{ticket_id}", response={204: None})
def delete_ticket(request: HttpRequest, ticket_id: RecordId, hard: bool = False) -> HttpResponse:
    if hard:
        services.hard_delete_ticket(principal_of(request), ticket_id)
    else:
        services.delete_ticket(principal_of(request), ticket_id)
    return no_content()


@router.post("/tickets/{ticket_id}/restore", response=TicketRead)
def restore_ticket(request: HttpRequest, ticket_id: RecordId) -> HttpResponse:
    services.restore_ticket(principal_of(request), ticket_id)
    return _respond(request, ticket_id)


@router.get("/tickets/{ticket_id}/messages", response=ListResponse)
def list_messages(
    request: HttpRequest,
    ticket_id: RecordId,
    limit: int = DEFAULT_LIMIT,
    cursor: str | None = None,
    notes: bool = True,
) -> HttpResponse:
    """The conversation, oldest first; `notes=false` leaves out internal notes."""
    page = queries.list_messages(
        principal_of(request), ticket_id, limit, cursor, include_notes=notes
    )
    return json_response(page_body(page, message_body, None))


@router.post(
    "/tickets/{ticket_id}/messages",
    response={201: TicketMessageRead},
    openapi_extra=_body_doc(TicketMessageCreate),
)
def create_message(request: HttpRequest, ticket_id: RecordId) -> HttpResponse:
    """Add a public reply (emailed to the requester), an internal note, or the customer's words
    (a closed ticket then gets a follow-up ticket: see the message's `ticket_id`)."""
    payload, files = _input(request, TicketMessageCreate)
    principal = principal_of(request)

    def write() -> HttpResponse:
        if payload.kind == "reply":
            message = services.add_reply(
                principal, ticket_id, payload.body, status=payload.status, attachments=files
            )
        elif payload.kind == "note":
            message = services.add_note(principal, ticket_id, payload.body, attachments=files)
        else:
            message = services.add_customer_message(
                principal, ticket_id, payload.body, contact_id=payload.contact_id,
                attachments=files,
            )  # fmt: skip
        return json_response(message_body(message), 201)

    return idempotent(request, principal, write)


@router.get("/tickets/{ticket_id}/attachments/{attachment_id}", response={200: None})
def download_attachment(
    request: HttpRequest, ticket_id: RecordId, attachment_id: RecordId
) -> FileResponse:
    """The file, as a download; only for people who may view the ticket."""
    attachment = queries.get_attachment(principal_of(request), ticket_id, attachment_id)
    return attachment_response(attachment)


@router.post("/tickets/{ticket_id}/merge", response=TicketRead)
def merge_tickets(request: HttpRequest, ticket_id: RecordId, payload: TicketMerge) -> HttpResponse:
    """Merge `merged_id` into this ticket: its conversation moves here and it is closed."""
    services.merge_tickets(principal_of(request), ticket_id, payload.merged_id)
    return _respond(request, ticket_id)


@router.post("/tickets/{ticket_id}/split", response={201: TicketRead})
def split_message(request: HttpRequest, ticket_id: RecordId, payload: TicketSplit) -> HttpResponse:
    """Move one customer message of this ticket to a new ticket (linked by split_from_id)."""
    principal = principal_of(request)
    if not queries.message_is_on(principal, ticket_id, payload.message_id):
        raise NotFound("message not found")
    ticket = services.split_message(principal, payload.message_id, payload.subject)
    return _respond(request, ticket.pk, 201)


@router.get("/tickets/{ticket_id}/followers", response=TicketFollowersRead)
def list_followers(request: HttpRequest, ticket_id: RecordId) -> HttpResponse:
    ticket = queries.get_ticket(principal_of(request), ticket_id)
    return json_response({"user_ids": queries.followers_of(ticket)})


@router.post("/tickets/{ticket_id}/follow", response=TicketFollowersRead)
def follow_ticket(request: HttpRequest, ticket_id: RecordId, payload: TicketFollow) -> HttpResponse:
    """Follow the ticket (or make `user_id` follow it, with the right to edit it)."""
    services.follow_ticket(principal_of(request), ticket_id, payload.user_id)
    return list_followers(request, ticket_id)


@router.post("/tickets/{ticket_id}/unfollow", response=TicketFollowersRead)
def unfollow_ticket(
    request: HttpRequest, ticket_id: RecordId, payload: TicketFollow
) -> HttpResponse:
    services.unfollow_ticket(principal_of(request), ticket_id, payload.user_id)
    return list_followers(request, ticket_id)


@router.get("/ticket-settings", response=TicketSettingsRead)
def get_ticket_settings(request: HttpRequest) -> HttpResponse:
    """Auto-close delay and the address replies are sent from (anyone who may view tickets)."""
    found = queries.settings_for(principal_of(request))
    return record_response(found, settings_body(found))


@router.patch("/ticket-settings", response=TicketSettingsRead)
def update_ticket_settings(request: HttpRequest, payload: TicketSettingsUpdate) -> HttpResponse:
    found = services.update_ticket_settings(
        principal_of(request), payload.model_dump(exclude_unset=True)
    )
    return record_response(found, settings_body(found))
