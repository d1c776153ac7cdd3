"""Request and response shapes of /api/v1/products and /api/v1/price-books.

Amounts travel as strings with two decimals ("120.00") and are accepted as strings or numbers;
the services check their range and precision, so every bad amount is a 422 with its location.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.core.api_support import ListParams, RecordId
from rapport.products.models import PriceBook, PriceBookEntry, Product

# Accepted as JSON strings or numbers; a string keeps every digit a float would lose.
Amount = decimal.Decimal


class PriceWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(description="ISO 4217 code, e.g. EUR")
    unit_price: Amount = Field(description='zero or more, at most 2 decimals, e.g. "120.00"')


class ProductUpdate(Schema):
    """Every field optional; read-only fields (id, version, workspace...) are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    sku: str | None = Field(None, description="unique in the workspace, any case; at most 64")
    name: str | None = None
    description: str | None = None
    category: str | None = None
    tax_rate: Amount | None = Field(None, description='percent from 0 to 100, e.g. "20.00"')
    is_active: bool | None = None
    unit: str | None = Field(None, description='e.g. "seat", "hour"')
    prices: list[PriceWrite] | None = Field(None, description="list prices; replaces them all")


class ProductCreate(ProductUpdate):
    sku: str
    name: str


class PriceRead(Schema):
    currency: str
    unit_price: str


class ProductRead(Schema):
    id: int
    sku: str
    name: str
    description: str
    category: str
    tax_rate: str
    is_active: bool
    unit: str
    prices: list[PriceRead]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class ProductListParams(ListParams):
    q: str | None = Field(None, description="name or SKU contains (any case)")


class ProductSearchParams(Schema):
    q: str = Field("", description="name or SKU contains; best first (SKU, then starts-with)")
    limit: int = Field(20, ge=1, le=50)
    active_only: bool = True


class ProductSearchResponse(Schema):
    items: list[ProductRead]


class PriceParams(Schema):
    currency: str = Field(description="ISO 4217 code, e.g. EUR")
    price_book: RecordId | None = Field(None, description="a price book's id")


class ResolvedPriceRead(Schema):
    product_id: int
    currency: str
    price_book_id: int | None
    unit_price: str | None = Field(description="null when the product has no price there")
    source: str | None = Field(description='"price_book", "list_price" or null')


def product_body(product: Product) -> dict[str, Any]:
    """The API shape of a product fetched with products.queries.RELATED."""
    plain = ("sku", "name", "description", "category", "is_active", "unit", "version",
             "created_at", "updated_at", "deleted_at")  # fmt: skip
    body: dict[str, Any] = {"id": product.pk, **{name: getattr(product, name) for name in plain}}
    body["tax_rate"] = str(product.tax_rate)
    rows = product.price_rows  # type: ignore[attr-defined]
    body["prices"] = [{"currency": p.currency, "unit_price": str(p.unit_price)} for p in rows]
    return body


# --- Price books --------------------------------------------------------------------------------


class PriceBookCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    is_active: bool = True


class PriceBookUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    is_active: bool | None = None


class PriceBookRead(Schema):
    id: int
    name: str
    description: str
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class EntryWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    product_id: RecordId
    currency: str = Field(description="ISO 4217 code, e.g. EUR")
    unit_price: Amount = Field(description='zero or more, at most 2 decimals, e.g. "99.00"')


class EntriesWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    entries: list[EntryWrite] = Field(description="upserted by product and currency")


class EntryIds(Schema):
    model_config = ConfigDict(extra="forbid")

    ids: list[RecordId] = Field(min_length=1, max_length=1000)


class EntryRead(Schema):
    id: int
    product_id: int
    sku: str
    product_name: str
    currency: str
    unit_price: str


class EntriesRead(Schema):
    items: list[EntryRead]


def price_book_body(book: PriceBook) -> dict[str, Any]:
    return PriceBookRead.model_validate(book, from_attributes=True).model_dump()


def entry_body(entry: PriceBookEntry) -> dict[str, Any]:
    """An entry fetched with its product (select_related)."""
    return {
        "id": entry.pk,
        "product_id": entry.product_id,
        "sku": entry.product.sku,
        "product_name": entry.product.name,
        "currency": entry.currency,
        "unit_price": str(entry.unit_price),
    }
