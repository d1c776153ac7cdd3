"""Writes about price books and their entries: create, update, delete, upsert and remove entries.

Price books fall under the *product* right: creating or deleting a book needs create or delete,
changing it or its entries needs edit. The audit log names them "price_book"; a change of
entries is audited on its book as `{"entries": [before, after]}` holding only the entries that
changed, and does not bump the book's version (entries are their own resource).
"""

from __future__ import annotations

import decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.products.amounts import normalise_currency, normalise_unit_price
from rapport.products.models import PriceBook, PriceBookEntry, Product
from rapport.products.services.products import text_cleaner

PERMISSION = "product"
OBJECT_TYPE = "price_book"
FIELDS = ("name", "description", "is_active")
MAX_ENTRIES = 1000  # per call
_CLEANERS = {
    "name": text_cleaner(100, "A price book needs a name."),
    "description": text_cleaner(500),
}
EntryKey = tuple[int, str]  # (product id, currency)


def _snapshot(book: PriceBook) -> dict[str, Any]:
    return {name: getattr(book, name) for name in FIELDS}


def _clean(changes: dict[str, Any], partial: bool) -> dict[str, Any]:
    if not partial:
        changes = {"name": None, **changes}
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, raw in changes.items():
        try:
            if name not in FIELDS:
                raise ValueError("Unknown or read-only field.")
            if name == "is_active":
                if not isinstance(raw, bool):
                    raise ValueError("Enter true or false.")
                cleaned[name] = raw
            else:
                cleaned[name] = _CLEANERS[name](raw)
        except ValueError as exc:
            problems.append(FieldError((name,), str(exc)))
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned


def _save(book: PriceBook) -> None:
    try:
        with transaction.atomic():
            book.save()
    except IntegrityError as exc:
        message = f"A price book named {book.name!r} already exists."
        raise Conflict(message, [FieldError(("name",), message, "duplicate")]) from exc


def _locked(principal: Principal, price_book_id: int) -> PriceBook:
    book = (
        PriceBook.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=price_book_id, deleted_at__isnull=True)
        .first()
    )
    if book is None:
        raise NotFound("price book not found")
    return book


@transaction.atomic
def create_price_book(principal: Principal, data: dict[str, Any]) -> PriceBook:
    require(principal, "create", PERMISSION)
    book = PriceBook(workspace_id=principal.workspace_id, **_clean(data, partial=False))
    _save(book)
    record_change(principal, "create", OBJECT_TYPE, book, _snapshot(book))
    return book


@transaction.atomic
def update_price_book(
    principal: Principal,
    price_book_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> PriceBook:
    book = _locked(principal, price_book_id)
    require(principal, "edit", PERMISSION, book)
    check_version(book, expected_version)
    before = _snapshot(book)
    for name, value in _clean(changes, partial=True).items():
        setattr(book, name, value)
    book.version += 1
    book.updated_at = timezone.now()
    _save(book)
    record_change(principal, "update", OBJECT_TYPE, book, diff(before, _snapshot(book)))
    return book


@transaction.atomic
def delete_price_book(principal: Principal, price_book_id: int) -> None:
    """Mark deleted: it leaves every list and stops pricing; deals naming it see it is gone."""
    book = _locked(principal, price_book_id)
    require(principal, "delete", PERMISSION, book)
    book.deleted_at = timezone.now()
    book.version += 1
    book.save(update_fields=["deleted_at", "version"])
    record_change(principal, "delete", OBJECT_TYPE, book, _snapshot(book))


# --- Entries ------------------------------------------------------------------------------------


def _entry_row(entry: PriceBookEntry) -> dict[str, Any]:
    return {
        "product_id": entry.product_id,
        "currency": entry.currency,
        "unit_price": entry.unit_price,
    }


def _clean_entry(
    i: int, item: Any, problems: list[FieldError]
) -> tuple[EntryKey, decimal.Decimal] | None:
    """One entry as ((product id, currency), unit price), or None with its problems added."""
    if not isinstance(item, dict):
        problems.append(FieldError(("entries", i), "Give a product_id, currency and unit_price."))
        return None
    count = len(problems)
    for name in sorted(set(item) - {"product_id", "currency", "unit_price"}):
        problems.append(FieldError(("entries", i, name), "Unknown field.", "extra_forbidden"))
    raw_id = item.get("product_id")
    product_id = raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else 0
    if product_id < 1:
        problems.append(FieldError(("entries", i, "product_id"), "Give a product's id."))
    currency, price = "", None
    try:
        currency = normalise_currency(item.get("currency"))
    except ValueError as exc:
        problems.append(FieldError(("entries", i, "currency"), str(exc)))
    try:
        price = normalise_unit_price(item.get("unit_price"))
    except ValueError as exc:
        problems.append(FieldError(("entries", i, "unit_price"), str(exc)))
    if len(problems) > count or price is None:
        return None
    return (product_id, currency), price


def _clean_entries(workspace_id: int, raw: Any) -> dict[EntryKey, decimal.Decimal]:
    """{(product id, currency): unit price}; every problem reported at its index."""
    if not isinstance(raw, list) or len(raw) > MAX_ENTRIES:
        raise Invalid.on("entries", f"Give a list of at most {MAX_ENTRIES} entries.")
    problems: list[FieldError] = []
    wanted: dict[EntryKey, decimal.Decimal] = {}
    places: dict[EntryKey, int] = {}
    for i, item in enumerate(raw):
        found = _clean_entry(i, item, problems)
        if found is None:
            continue
        key, price = found
        if key in wanted:
            message = f"Product {key[0]} has a {key[1]} price in this list already."
            problems.append(FieldError(("entries", i, "currency"), message))
        wanted[key], places[key] = price, i
    ids = {product_id for product_id, _ in wanted}
    live = set(
        Product.objects.filter(
            workspace_id=workspace_id, pk__in=ids, deleted_at__isnull=True
        ).values_list("pk", flat=True)
    )
    for key in wanted:
        if key[0] not in live:
            loc = ("entries", places[key], "product_id")
            problems.append(FieldError(loc, f"No product {key[0]} in this workspace."))
    if problems:
        raise Invalid(problems[0].msg, problems)
    return wanted


@transaction.atomic
def set_price_book_entries(
    principal: Principal, price_book_id: int, entries: list[dict[str, Any]]
) -> list[PriceBookEntry]:
    """Upsert entries `[{"product_id", "currency", "unit_price"}]`: a product and currency the
    book prices already gets the new price, others are added. Returns them in the given order."""
    book = _locked(principal, price_book_id)
    require(principal, "edit", PERMISSION, book)
    wanted = _clean_entries(principal.workspace_id, entries)
    ids = {product_id for product_id, _ in wanted}
    existing = {
        (entry.product_id, entry.currency): entry
        for entry in book.entries.filter(product_id__in=ids)
    }
    before, changed, added = [], [], []
    for key, price in wanted.items():
        entry = existing.get(key)
        if entry is None:
            added.append(
                PriceBookEntry(
                    price_book=book,
                    workspace_id=book.workspace_id,
                    product_id=key[0],
                    currency=key[1],
                    unit_price=price,
                )
            )
        elif entry.unit_price != price:
            before.append(_entry_row(entry))
            entry.unit_price = price
            changed.append(entry)
    PriceBookEntry.objects.bulk_update(changed, ["unit_price"])
    PriceBookEntry.objects.bulk_create(added)
    if changed or added:
        after = [_entry_row(entry) for entry in [*changed, *added]]
        record_change(principal, "update", OBJECT_TYPE, book, {"entries": [before, after]})
    saved = book.entries.filter(product_id__in=ids).select_related("product")
    by_key = {(entry.product_id, entry.currency): entry for entry in saved}
    return [by_key[key] for key in wanted]


@transaction.atomic
def delete_price_book_entries(
    principal: Principal, price_book_id: int, entry_ids: list[int]
) -> int:
    """Remove entries of the book by id, all or none: an id the book lacks is refused (422)."""
    book = _locked(principal, price_book_id)
    require(principal, "edit", PERMISSION, book)
    entries = {entry.pk: entry for entry in book.entries.filter(pk__in=set(entry_ids))}
    missing = [
        FieldError(("ids", i), f"No entry {entry_id} in this price book.")
        for i, entry_id in enumerate(entry_ids)
        if entry_id not in entries
    ]
    if missing:
        raise Invalid(missing[0].msg, missing)
    if not entries:
        return 0
    before = [_entry_row(entry) for entry in entries.values()]
    book.entries.filter(pk__in=entries).delete()
    record_change(principal, "update", OBJECT_TYPE, book, {"entries": [before, []]})
    return len(entries)
