"""Reads about products and price books, and the prices other apps resolve for line items.

`price_for` / `prices_for` take a workspace id rather than a Principal: deals and quotes call
them inside their own services, after checking their own rights, to price a line item.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, F, IntegerField, Prefetch, Q, QuerySet, When

from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid, NotFound
from rapport.core.filters import FilterField, filters_q, parse_term
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.products.amounts import normalise_currency
from rapport.products.models import PriceBook, PriceBookEntry, Product, ProductPrice

OBJECT_TYPE = "product"  # the permission object type of products and price books alike
FILTERS = {
    "sku": FilterField("sku"),
    "name": FilterField("name"),
    "category": FilterField("category"),
    "unit": FilterField("unit"),
    "is_active": FilterField("is_active", "boolean"),
    "tax_rate": FilterField("tax_rate", "decimal"),
    "currency": FilterField("prices__currency", many=True),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {"sku", "name", "category", "tax_rate", "created_at", "updated_at", "id"}
# List prices, prefetched into a plain list (to_attr) in currency order.
RELATED = (
    Prefetch("prices", queryset=ProductPrice.objects.order_by("currency"), to_attr="price_rows"),
)
PRICE_BOOK_FILTERS = {
    "name": FilterField("name"),
    "is_active": FilterField("is_active", "boolean"),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
PRICE_BOOK_SORTS = {"name", "created_at", "updated_at", "id"}
ENTRY_FILTERS = {
    "product_id": FilterField("product_id", "id"),
    "sku": FilterField("product__sku"),
    "product_name": FilterField("product__name"),
    "category": FilterField("product__category"),
    "currency": FilterField("currency"),
    "unit_price": FilterField("unit_price", "decimal"),
    "id": FilterField("id", "id"),
}
ENTRY_SORTS = {"product_name", "product_sku", "currency", "unit_price", "id"}
MAX_SEARCH = 50


# --- Products -----------------------------------------------------------------------------------


def visible_products(principal: Principal) -> QuerySet[Product]:
    return visible(principal, Product.objects.all(), OBJECT_TYPE)


def get_product(principal: Principal, product_id: int) -> Product:
    product = visible_products(principal).prefetch_related(*RELATED).filter(pk=product_id).first()
    if product is None:
        raise NotFound("product not found")
    return product


def find_product(principal: Principal, product_id: int) -> Product | None:
    return visible_products(principal).filter(pk=product_id).first()


def _name_or_sku(q: str) -> Q:
    return Q(sku__icontains=q) | Q(name__icontains=q)


def list_products(principal: Principal, params: ListParams, q: str = "") -> Page[Product]:
    """One page of products: filter terms, `q` (name or SKU contains), sort (name by default)."""
    qs = visible_products(principal).prefetch_related(*RELATED)
    qs = qs.filter(filters_q(FILTERS, params.filter))
    if any(FILTERS[parse_term(term)[0]].many for term in params.filter):
        qs = qs.distinct()  # a join to the prices repeats rows
    if q.strip():
        qs = qs.filter(_name_or_sku(q.strip()))
    keys = parse_sort(params.sort, SORTS, "name")
    return keyset_page(qs, keys, params.limit, params.cursor)


def search_products(
    principal: Principal, q: str, limit: int = 20, active_only: bool = True
) -> list[Product]:
    """Products whose name or SKU contains `q` (any case) for a line item's picker, best first:
    the SKU itself, then SKUs starting with it, then names starting with it, then the rest."""
    text = q.strip()[:200]
    if not text:
        return []
    qs = visible_products(principal).filter(_name_or_sku(text))
    if active_only:
        qs = qs.filter(is_active=True)
    rank = Case(
        When(sku__iexact=text, then=0),
        When(sku__istartswith=text, then=1),
        When(name__istartswith=text, then=2),
        default=3,
        output_field=IntegerField(),
    )
    size = max(1, min(limit, MAX_SEARCH))
    ranked = qs.annotate(rank=rank).order_by("rank", "name", "id").prefetch_related(*RELATED)
    return list(ranked[:size])


def product_choices(principal: Principal, q: str = "", limit: int = 20) -> list[Product]:
    """Active products for a picker: those matching `q` best first, else the first by name."""
    if q.strip():
        return search_products(principal, q, limit)
    qs = visible_products(principal).filter(is_active=True).order_by("name", "id")
    return list(qs[: max(1, min(limit, MAX_SEARCH))])


def product_categories(principal: Principal, limit: int = 200) -> list[str]:
    """The categories visible products use, in order, for filters and suggestions."""
    qs = visible_products(principal).exclude(category="").order_by("category")
    return list(qs.values_list("category", flat=True).distinct()[:limit])


# --- Prices -------------------------------------------------------------------------------------

LIST_PRICE = "list_price"
PRICE_BOOK = "price_book"


@dataclass(frozen=True)
class ResolvedPrice:
    """A product's price in one currency and where it came from (None: it has none)."""

    unit_price: decimal.Decimal | None
    source: str | None  # LIST_PRICE, PRICE_BOOK or None


def _resolve(
    workspace_id: int, product_ids: Iterable[int], currency: str, price_book_id: int | None
) -> dict[int, ResolvedPrice]:
    """Two queries at most: the price book's entries, then list prices of the products left."""
    wanted = set(product_ids)
    code = currency.strip().upper()
    found: dict[int, ResolvedPrice] = {}
    if not wanted:
        return found
    live = {"workspace_id": workspace_id, "product__deleted_at__isnull": True, "currency": code}
    if price_book_id is not None:
        entries = PriceBookEntry.objects.filter(
            **live,
            price_book_id=price_book_id,
            price_book__deleted_at__isnull=True,
            product_id__in=wanted,
        )
        for product_id, price in entries.values_list("product_id", "unit_price"):
            found[product_id] = ResolvedPrice(price, PRICE_BOOK)
    rest = wanted - set(found)
    if rest:
        prices = ProductPrice.objects.filter(**live, product_id__in=rest)
        for product_id, price in prices.values_list("product_id", "unit_price"):
            found[product_id] = ResolvedPrice(price, LIST_PRICE)
    return found


def price_for(
    workspace_id: int, product_id: int, currency: str, price_book_id: int | None = None
) -> decimal.Decimal | None:
    """The product's unit price in `currency`: the price book's entry when the book (not deleted)
    has one, else the product's list price, else None. A deleted product has no price."""
    return prices_for(workspace_id, [product_id], currency, price_book_id).get(product_id)


def prices_for(
    workspace_id: int,
    product_ids: Iterable[int],
    currency: str,
    price_book_id: int | None = None,
) -> dict[int, decimal.Decimal]:
    """`price_for` of many products in two queries at most; products without a price are absent."""
    resolved = _resolve(workspace_id, product_ids, currency, price_book_id)
    return {pk: found.unit_price for pk, found in resolved.items() if found.unit_price is not None}


def checked_currency(raw: str) -> str:
    """The currency code upper-cased, or Invalid on "currency"."""
    try:
        return normalise_currency(raw)
    except ValueError as exc:
        raise Invalid.on("currency", str(exc)) from exc


def resolve_price(
    principal: Principal, product_id: int, currency: str, price_book_id: int | None = None
) -> ResolvedPrice:
    """`price_for` for a principal who may view the product (and the book), with its source."""
    currency = checked_currency(currency)
    product = get_product(principal, product_id)
    if price_book_id is not None:
        get_price_book(principal, price_book_id)
    found = _resolve(principal.workspace_id, [product.pk], currency, price_book_id)
    return found.get(product.pk, ResolvedPrice(None, None))


# --- Price books --------------------------------------------------------------------------------


def visible_price_books(principal: Principal) -> QuerySet[PriceBook]:
    return visible(principal, PriceBook.objects.all(), OBJECT_TYPE)


def list_price_books(principal: Principal, params: ListParams) -> Page[PriceBook]:
    qs = visible_price_books(principal).filter(filters_q(PRICE_BOOK_FILTERS, params.filter))
    keys = parse_sort(params.sort, PRICE_BOOK_SORTS, "name")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_price_book(principal: Principal, price_book_id: int) -> PriceBook:
    book = visible_price_books(principal).filter(pk=price_book_id).first()
    if book is None:
        raise NotFound("price book not found")
    return book


def list_price_book_entries(
    principal: Principal, price_book_id: int, params: ListParams
) -> Page[PriceBookEntry]:
    """One page of a price book's entries (of live products), by product name by default."""
    book = get_price_book(principal, price_book_id)
    qs = (
        PriceBookEntry.objects.filter(
            workspace_id=principal.workspace_id, price_book=book, product__deleted_at__isnull=True
        )
        .select_related("product")
        .annotate(product_name=F("product__name"), product_sku=F("product__sku"))
        .filter(filters_q(ENTRY_FILTERS, params.filter))
    )
    keys = parse_sort(params.sort, ENTRY_SORTS, "product_name,currency")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_price_book_entry(principal: Principal, price_book_id: int, entry_id: int) -> PriceBookEntry:
    """One entry of a visible price book, with its product; NotFound otherwise."""
    book = get_price_book(principal, price_book_id)
    entry = (
        PriceBookEntry.objects.filter(workspace_id=principal.workspace_id, price_book=book)
        .select_related("product")
        .filter(pk=entry_id, product__deleted_at__isnull=True)
        .first()
    )
    if entry is None:
        raise NotFound("price book entry not found")
    return entry
