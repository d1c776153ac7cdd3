"""Every write about the catalogue: products with their list prices, price books and entries.

Re-exported here so callers import from `rapport.products.services`.
"""

from rapport.products.services.price_books import (
    create_price_book,
    delete_price_book,
    delete_price_book_entries,
    set_price_book_entries,
    update_price_book,
)
from rapport.products.services.products import (
    create_product,
    delete_product,
    hard_delete_product,
    restore_product,
    update_product,
)

__all__ = [
    "create_price_book",
    "create_product",
    "delete_price_book",
    "delete_price_book_entries",
    "delete_product",
    "hard_delete_product",
    "restore_product",
    "set_price_book_entries",
    "update_price_book",
    "update_product",
]
