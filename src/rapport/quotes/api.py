"""/api/v1/quotes, and POST /api/v1/deals/{id}/quotes: quotes of deals."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    idempotent,
    json_response,
    page_body,
    principal_of,
    selected_fields,
)
from rapport.core.permissions import Principal, can
from rapport.quotes import queries, services
from rapport.quotes.models import Quote
from rapport.quotes.pdf import render_pdf
from rapport.quotes.schemas import QuoteRead, QuoteSend, QuoteWrite, quote_body
from rapport.quotes.services.emails import pdf_filename, quote_link
from rapport.workspaces.queries import find_workspace

PREFIX = ""
router = Router(tags=["quotes"])


def _body(principal: Principal, quote: Quote) -> dict[str, object]:
    """The link is the customer's key: only those who may edit the deal see it."""
    shown = quote.status == "sent" and can(principal, "edit", "deal", quote.deal)
    return quote_body(quote, quote_link(quote) if shown else None)


def _respond(request: HttpRequest, quote_id: int, status: int = 200) -> HttpResponse:
    principal = principal_of(request)
    quote = queries.get_quote(principal, quote_id)
    headers = {"Location": f"/api/v1/quotes/{quote.pk}"} if status == 201 else None
    return json_response(_body(principal, quote), status, headers)


@router.get("/quotes", response=ListResponse)
def list_quotes(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """The quotes of the deals you may view, newest first; filter e.g. `deal_id:eq:12`,
    `status:eq:sent`."""
    selected = selected_fields(params.fields, QuoteRead.model_fields)
    principal = principal_of(request)
    page = queries.list_quotes(principal, params)
    return json_response(page_body(page, lambda q: _body(principal, q), selected))


@router.post("/deals/{deal_id}/quotes", response={201: QuoteRead})
def create_quote(request: HttpRequest, deal_id: RecordId, payload: QuoteWrite) -> HttpResponse:
    """A draft quote of the deal's line items as they are now (422 without line items)."""

    def write() -> HttpResponse:
        data = payload.model_dump(exclude_unset=True)
        quote = services.create_quote(principal_of(request), deal_id, data)
        return _respond(request, quote.pk, 201)

    return idempotent(request, principal_of(request), write)


@router.get("/quotes/{quote_id}", response=QuoteRead)
def get_quote(request: HttpRequest, quote_id: RecordId) -> HttpResponse:
    return _respond(request, quote_id)


@router.post("/quotes/{quote_id}/revise", response={201: QuoteRead})
def revise_quote(request: HttpRequest, quote_id: RecordId, payload: QuoteWrite) -> HttpResponse:
    """A new version from the deal's line items as they are now (this one is superseded); a
    draft is refreshed in place instead (200)."""

    def write() -> HttpResponse:
        data = payload.model_dump(exclude_unset=True)
        quote = services.revise_quote(principal_of(request), quote_id, data)
        return _respond(request, quote.pk, 200 if quote.pk == quote_id else 201)

    return idempotent(request, principal_of(request), write)


@router.post("/quotes/{quote_id}/send", response=QuoteRead)
def send_quote(request: HttpRequest, quote_id: RecordId, payload: QuoteSend) -> HttpResponse:
    """Email the quote (HTML, PDF attached, accept/decline link) and mark it sent."""

    def write() -> HttpResponse:
        services.send_quote(principal_of(request), quote_id, payload.to, payload.message or "")
        return _respond(request, quote_id)

    return idempotent(request, principal_of(request), write)


@router.get(
    "/quotes/{quote_id}/pdf",
    openapi_extra={
        "responses": {200: {"description": "The quote as PDF", "content": {"application/pdf": {}}}}
    },
)
def quote_pdf(request: HttpRequest, quote_id: RecordId) -> HttpResponse:
    principal = principal_of(request)
    quote = queries.get_quote(principal, quote_id)
    pdf = render_pdf(quote, find_workspace(principal).time_zone)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response
