"""/api/v1 resources of the products app: /products and /price-books."""

from __future__ import annotations

from ninja import Router

from rapport.products.api import price_books, products

PREFIX = ""
router = Router()
router.add_router("/products", products.router)
router.add_router("/price-books", price_books.router)
