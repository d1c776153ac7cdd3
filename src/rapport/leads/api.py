"""/api/v1/contacts/{id}/convert and /api/v1/lead-conversions: converting leads, and undoing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Router

from rapport.contacts.queries import get_contact
from rapport.core.api_support import RecordId, expected_version, json_response, principal_of
from rapport.leads import queries, services
from rapport.leads.schemas import (
    ConversionOptions,
    ConversionRead,
    ConvertLead,
    conversion_body,
    options_body,
)

PREFIX = ""
router = Router(tags=["leads"])


@router.get("/contacts/{contact_id}/conversion-options", response=ConversionOptions)
def conversion_options(request: HttpRequest, contact_id: RecordId) -> HttpResponse:
    """The lead's company now and the companies its business email domains match."""
    principal = principal_of(request)
    contact = get_contact(principal, contact_id)
    return json_response(options_body(queries.company_choice(principal, contact)))


@router.post("/contacts/{contact_id}/convert", response={201: ConversionRead})
def convert_lead(request: HttpRequest, contact_id: RecordId, payload: ConvertLead) -> HttpResponse:
    """Link or create the company, move the contact on and create a deal, in one step; needs
    If-Match with the contact's ETag. Undo with POST /lead-conversions/{id}/undo."""
    version = expected_version(request, contact_id)
    data = payload.model_dump(exclude_unset=True)
    for key in ("new_company", "deal"):
        if data.get(key) is not None:
            data[key] = {k: v for k, v in data[key].items() if v is not None}
    conversion = services.convert_lead(principal_of(request), contact_id, data, version)
    return json_response(conversion_body(conversion), 201)


@router.get("/contacts/{contact_id}/conversions", response=list[ConversionRead])
def list_conversions(request: HttpRequest, contact_id: RecordId) -> HttpResponse:
    principal = principal_of(request)
    get_contact(principal, contact_id)  # 404 unless visible
    rows = queries.conversions_of(principal, contact_id)[:50]
    return json_response([conversion_body(c) for c in rows])


@router.post("/lead-conversions/{conversion_id}/undo", response=ConversionRead)
def undo_conversion(request: HttpRequest, conversion_id: RecordId) -> HttpResponse:
    """Put the contact back as it was; the deal (and a company the conversion created, when
    nothing else uses it) go to the restore bin."""
    conversion = services.undo_conversion(principal_of(request), conversion_id)
    return json_response(conversion_body(conversion))
