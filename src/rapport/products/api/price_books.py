"""/api/v1/price-books: prices that override list prices for the deals using them."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router
from pydantic import ValidationError

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
from rapport.core.errors import FieldError, Invalid
from rapport.products import queries, services
from rapport.products.schemas import (
    EntriesRead,
    EntriesWrite,
    EntryIds,
    EntryRead,
    PriceBookCreate,
    PriceBookRead,
    PriceBookUpdate,
    entry_body,
    price_book_body,
)

router = Router(tags=["price books"])
# DELETE .../entries reads its ids itself (a body or the query), so the document says so here.
_ENTRY_IDS_OPENAPI = {
    "parameters": [
        {
            "in": "query",
            "name": "ids",
            "required": False,
            "schema": {"type": "array", "items": {"type": "integer", "minimum": 1}},
            "description": "entry ids, repeated or comma-separated, when there is no body",
        }
    ],
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": EntryIds.model_json_schema()}},
    },
}


@router.get("", response=ListResponse)
def list_price_books(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, PriceBookRead.model_fields)
    page = queries.list_price_books(principal_of(request), params)
    return json_response(page_body(page, price_book_body, fields))


@router.post("", response={201: PriceBookRead})
def create_price_book(request: HttpRequest, payload: PriceBookCreate) -> HttpResponse:
    def write() -> HttpResponse:
        book = services.create_price_book(principal_of(request), payload.model_dump())
        location = f"/api/v1/price-books/{book.pk}"
        return record_response(book, price_book_body(book), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get("/{price_book_id}", response=PriceBookRead)
def get_price_book(request: HttpRequest, price_book_id: RecordId) -> HttpResponse:
    book = queries.get_price_book(principal_of(request), price_book_id)
    return record_response(book, price_book_body(book))


@router.patch("/{price_book_id}", response=PriceBookRead)
def update_price_book(
    request: HttpRequest, price_book_id: RecordId, payload: PriceBookUpdate
) -> HttpResponse:
    version = expected_version(request, price_book_id)
    changes = payload.model_dump(exclude_unset=True)
    book = services.update_price_book(principal_of(request), price_book_id, changes, version)
    return record_response(book, price_book_body(book))


@router.delete("/{price_book_id}", response={204: None})
def delete_price_book(request: HttpRequest, price_book_id: RecordId) -> HttpResponse:
    services.delete_price_book(principal_of(request), price_book_id)
    return no_content()


@router.get("/{price_book_id}/entries", response=ListResponse)
def list_entries(
    request: HttpRequest, price_book_id: RecordId, params: Query[ListParams]
) -> HttpResponse:
    """The book's entries (of products not in the restore bin), by product name."""
    fields = selected_fields(params.fields, EntryRead.model_fields)
    page = queries.list_price_book_entries(principal_of(request), price_book_id, params)
    return json_response(page_body(page, entry_body, fields))


@router.put("/{price_book_id}/entries", response=EntriesRead)
def set_entries(
    request: HttpRequest, price_book_id: RecordId, payload: EntriesWrite
) -> HttpResponse:
    """Upsert entries by product and currency; entries not named are kept."""
    rows = [entry.model_dump() for entry in payload.entries]
    saved = services.set_price_book_entries(principal_of(request), price_book_id, rows)
    return json_response({"items": [entry_body(entry) for entry in saved]})


def _entry_ids(request: HttpRequest) -> list[int]:
    """Ids from the body (`{"ids": [...]}`) or else the query (`?ids=1,2` or repeated)."""
    if request.body.strip():
        try:
            return EntryIds.model_validate(json.loads(request.body)).ids
        except ValueError as exc:  # bad JSON, or a ValidationError (a ValueError too)
            raise _invalid_ids(exc) from exc
    raw = ",".join(request.GET.getlist("ids"))
    try:
        return EntryIds.model_validate({"ids": [p for p in raw.split(",") if p.strip()]}).ids
    except ValidationError as exc:
        raise _invalid_ids(exc) from exc


def _invalid_ids(exc: ValueError) -> Invalid:
    if not isinstance(exc, ValidationError):
        return Invalid.on("ids", 'Send JSON like {"ids": [1, 2]}.')
    errors = [FieldError(tuple(e["loc"]), e["msg"], e["type"]) for e in exc.errors()]
    return Invalid("Some entry ids are not valid.", errors)


@router.delete("/{price_book_id}/entries", response={204: None}, openapi_extra=_ENTRY_IDS_OPENAPI)
def delete_entries(request: HttpRequest, price_book_id: RecordId) -> HttpResponse:
    """Remove entries by id: `{"ids": [...]}` in the body, or `?ids=1,2`; all or none."""
    ids = _entry_ids(request)
    services.delete_price_book_entries(principal_of(request), price_book_id, ids)
    return no_content()
