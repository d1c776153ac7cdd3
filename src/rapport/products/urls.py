"""Settings pages of the catalogue, under /settings/products (price books included, so the
"Products" section stays the current one)."""

from __future__ import annotations

from django.urls import path

from rapport.products.pages import price_books, products

BOOKS = "settings/products/price-books"
urlpatterns = [
    path("settings/products", products.product_list, name="settings-products"),
    path("settings/products/new", products.product_new, name="settings-product-new"),
    path("settings/products/<int:product_id>", products.product_edit, name="settings-product"),
    path(
        "settings/products/<int:product_id>/active",
        products.product_active,
        name="settings-product-active",
    ),
    path(
        "settings/products/<int:product_id>/delete",
        products.product_delete,
        name="settings-product-delete",
    ),
    path("settings/products/options", price_books.product_options, name="settings-product-options"),
    path(BOOKS, price_books.price_book_list, name="settings-price-books"),
    path(f"{BOOKS}/new", price_books.price_book_new, name="settings-price-book-new"),
    path(f"{BOOKS}/<int:price_book_id>", price_books.price_book_page, name="settings-price-book"),
    path(
        f"{BOOKS}/<int:price_book_id>/delete",
        price_books.price_book_delete,
        name="settings-price-book-delete",
    ),
    path(
        f"{BOOKS}/<int:price_book_id>/entries",
        price_books.entry_add,
        name="settings-price-book-entry-add",
    ),
    path(
        f"{BOOKS}/<int:price_book_id>/entries/<int:entry_id>",
        price_books.entry_update,
        name="settings-price-book-entry",
    ),
    path(
        f"{BOOKS}/<int:price_book_id>/entries/<int:entry_id>/remove",
        price_books.entry_remove,
        name="settings-price-book-entry-remove",
    ),
]
