"""Factories for the catalogue's tests: products with list prices, price books with entries."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from rapport.core.permissions import Principal
from rapport.products.models import PriceBook, Product
from rapport.products.services import create_price_book, create_product, set_price_book_entries

_seq = itertools.count(1)


def make_product(principal: Principal, **overrides: Any) -> Product:
    n = next(_seq)
    data: dict[str, Any] = {
        "sku": f"SKU-{n}",
        "name": f"Product {n}",
        "prices": [{"currency": "EUR", "unit_price": "100.00"}],
    }
    return create_product(principal, data | overrides)


def make_price_book(
    principal: Principal, entries: Sequence[tuple[Product, str, str]] = (), **overrides: Any
) -> PriceBook:
    """A price book with `entries` as (product, currency, unit price)."""
    book = create_price_book(principal, {"name": f"Book {next(_seq)}"} | overrides)
    if entries:
        rows = [{"product_id": p.pk, "currency": c, "unit_price": price} for p, c, price in entries]
        set_price_book_entries(principal, book.pk, rows)
    return book
