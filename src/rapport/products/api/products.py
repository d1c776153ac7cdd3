"""/api/v1/products: the catalogue, with list prices per currency, search and resolved prices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
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
from rapport.products import queries, services
from rapport.products.schemas import (
    PriceParams,
    ProductCreate,
    ProductListParams,
    ProductRead,
    ProductSearchParams,
    ProductSearchResponse,
    ProductUpdate,
    ResolvedPriceRead,
    product_body,
)

router = Router(tags=["products"])


def _respond(request: HttpRequest, product_id: int, status: int = 200) -> HttpResponse:
    product = queries.get_product(principal_of(request), product_id)
    location = f"/api/v1/products/{product.pk}" if status == 201 else None
    return record_response(product, product_body(product), status, location)


@router.get("", response=ListResponse)
def list_products(request: HttpRequest, params: Query[ProductListParams]) -> HttpResponse:
    selected = selected_fields(params.fields, ProductRead.model_fields)
    page = queries.list_products(principal_of(request), params, params.q or "")
    return json_response(page_body(page, product_body, selected))


@router.post("", response={201: ProductRead})
def create_product(request: HttpRequest, payload: ProductCreate) -> HttpResponse:
    def write() -> HttpResponse:
        product = services.create_product(
            principal_of(request), payload.model_dump(exclude_unset=True)
        )
        return _respond(request, product.pk, 201)

    return idempotent(request, principal_of(request), write)


# Before /{product_id}: the first matching route wins.
@router.get("/search", response=ProductSearchResponse)
def search_products(request: HttpRequest, params: Query[ProductSearchParams]) -> HttpResponse:
    """Products whose name or SKU contains `q`, best first, for a line item's picker."""
    found = queries.search_products(
        principal_of(request), params.q, params.limit, params.active_only
    )
    return json_response({"items": [product_body(product) for product in found]})


@router.get("/{product_id}", response=ProductRead)
def get_product(request: HttpRequest, product_id: RecordId) -> HttpResponse:
    return _respond(request, product_id)


@router.patch("/{product_id}", response=ProductRead)
def update_product(
    request: HttpRequest, product_id: RecordId, payload: ProductUpdate
) -> HttpResponse:
    version = expected_version(request, product_id)
    changes = payload.model_dump(exclude_unset=True)
    services.update_product(principal_of(request), product_id, changes, version)
    return _respond(request, product_id)


@router.delete("/{product_id}", response={204: None})
def delete_product(request: HttpRequest, product_id: RecordId, hard: bool = False) -> HttpResponse:
    if hard:
        services.hard_delete_product(principal_of(request), product_id)
    else:
        services.delete_product(principal_of(request), product_id)
    return no_content()


@router.post("/{product_id}/restore", response=ProductRead)
def restore_product(request: HttpRequest, product_id: RecordId) -> HttpResponse:
    services.restore_product(principal_of(request), product_id)
    return _respond(request, product_id)


@router.get("/{product_id}/price", response=ResolvedPriceRead)
def product_price(
    request: HttpRequest, product_id: RecordId, params: Query[PriceParams]
) -> HttpResponse:
    """The unit price a line item gets: the price book's entry, else the list price, else null."""
    currency = queries.checked_currency(params.currency)
    found = queries.resolve_price(principal_of(request), product_id, currency, params.price_book)
    body = {
        "product_id": product_id,
        "currency": currency,
        "price_book_id": params.price_book,
        "unit_price": None if found.unit_price is None else str(found.unit_price),
        "source": found.source,
    }
    return json_response(body)
