"""/api/v1/canned-responses and /api/v1/macros: reusable replies and one-click ticket changes."""

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
from rapport.macros import queries, services
from rapport.macros.actions import stored
from rapport.macros.schemas import (
    CannedResponseCreate,
    CannedResponseRead,
    CannedResponseRendered,
    CannedResponseRenderInput,
    CannedResponseUpdate,
    MacroApplied,
    MacroApplyInput,
    MacroCreate,
    MacroRead,
    MacroUpdate,
    canned_response_body,
    macro_body,
)

PREFIX = ""
router = Router(tags=["canned responses and macros"])
CANNED = "/canned-responses"
MACROS = "/macros"


@router.get(CANNED, response=ListResponse)
def list_canned_responses(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Shared responses and the caller's personal ones."""
    fields = selected_fields(params.fields, CannedResponseRead.model_fields)
    page = queries.list_canned_responses(principal_of(request), params)
    return json_response(page_body(page, canned_response_body, fields))


@router.post(CANNED, response={201: CannedResponseRead})
def create_canned_response(request: HttpRequest, payload: CannedResponseCreate) -> HttpResponse:
    def write() -> HttpResponse:
        response = services.create_canned_response(principal_of(request), **payload.model_dump())
        location = f"/api/v1{CANNED}/{response.pk}"
        return record_response(response, canned_response_body(response), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get(CANNED + "/{response_id}", response=CannedResponseRead)
def get_canned_response(request: HttpRequest, response_id: RecordId) -> HttpResponse:
    response = queries.get_canned_response(principal_of(request), response_id)
    return record_response(response, canned_response_body(response))


@router.patch(CANNED + "/{response_id}", response=CannedResponseRead)
def update_canned_response(
    request: HttpRequest, response_id: RecordId, payload: CannedResponseUpdate
) -> HttpResponse:
    version = expected_version(request, response_id)
    changes = payload.model_dump(exclude_unset=True)
    response = services.update_canned_response(principal_of(request), response_id, changes, version)
    return record_response(response, canned_response_body(response))


@router.delete(CANNED + "/{response_id}", response={204: None})
def delete_canned_response(request: HttpRequest, response_id: RecordId) -> HttpResponse:
    services.delete_canned_response(principal_of(request), response_id)
    return no_content()


@router.post(CANNED + "/{response_id}/render", response=CannedResponseRendered)
def render_canned_response(
    request: HttpRequest, response_id: RecordId, payload: CannedResponseRenderInput
) -> HttpResponse:
    """The response with one ticket's merge fields filled, as the caller may see them."""
    body = services.render_canned_response(principal_of(request), response_id, payload.ticket_id)
    return json_response({"body": body})


@router.get(MACROS, response=ListResponse)
def list_macros(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, MacroRead.model_fields)
    page = queries.list_macros(principal_of(request), params)
    return json_response(page_body(page, macro_body, fields))


@router.post(MACROS, response={201: MacroRead})
def create_macro(request: HttpRequest, payload: MacroCreate) -> HttpResponse:
    def write() -> HttpResponse:
        macro = services.create_macro(
            principal_of(request),
            title=payload.title,
            description=payload.description,
            actions=stored(payload.actions),
        )
        location = f"/api/v1{MACROS}/{macro.pk}"
        return record_response(macro, macro_body(macro), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get(MACROS + "/{macro_id}", response=MacroRead)
def get_macro(request: HttpRequest, macro_id: RecordId) -> HttpResponse:
    macro = queries.get_macro(principal_of(request), macro_id)
    return record_response(macro, macro_body(macro))


@router.patch(MACROS + "/{macro_id}", response=MacroRead)
def update_macro(request: HttpRequest, macro_id: RecordId, payload: MacroUpdate) -> HttpResponse:
    version = expected_version(request, macro_id)
    changes = payload.model_dump(exclude_unset=True)
    if payload.actions is not None:
        changes["actions"] = stored(payload.actions)
    macro = services.update_macro(principal_of(request), macro_id, changes, version)
    return record_response(macro, macro_body(macro))


@router.delete(MACROS + "/{macro_id}", response={204: None})
def delete_macro(request: HttpRequest, macro_id: RecordId) -> HttpResponse:
    services.delete_macro(principal_of(request), macro_id)
    return no_content()


@router.post(MACROS + "/{macro_id}/apply", response=MacroApplied)
def apply_macro(request: HttpRequest, macro_id: RecordId, payload: MacroApplyInput) -> HttpResponse:
    """Every action of the macro on the ticket in one transaction (all or nothing)."""
    ticket = services.apply_macro(principal_of(request), macro_id, payload.ticket_id)
    body = {"ticket_id": ticket.pk, "number": ticket.number, "status": ticket.status}
    return json_response(body | {"version": ticket.version})
