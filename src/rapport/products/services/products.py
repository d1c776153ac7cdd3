"""Writes about products: create, update, soft delete, restore and erase, with list prices.

Every write checks the *product* right before changing anything, bumps the version on update,
writes one audit entry (a snapshot on create and delete, a diff on update) in one transaction.
A product's list prices are written with it, as a company's domains are: `prices` replaces the
whole set.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.lifecycle import check_version, erase, lock_record, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, require
from rapport.products.amounts import normalise_currency, normalise_tax_rate, normalise_unit_price
from rapport.products.models import Product, ProductPrice

OBJECT_TYPE = "product"
TEXT_LIMITS = {"sku": 64, "name": 200, "description": 5000, "category": 100, "unit": 32}
REQUIRED = {"sku": "A product needs a SKU.", "name": "A product needs a name."}
FIELDS = (*TEXT_LIMITS, "tax_rate", "is_active")
MAX_PRICES = 200  # currencies per product


def text_cleaner(limit: int, required: str = "") -> Callable[[Any], str]:
    """Text, trimmed: None is "", more than `limit` is refused, and so is empty text when a
    `required` message is given."""

    def clean(raw: Any) -> str:
        if raw is None:
            raw = ""
        if not isinstance(raw, str):
            raise ValueError("Enter text.")
        text = raw.strip()
        if len(text) > limit:
            raise ValueError(f"At most {limit:,} characters.")
        if "\x00" in text:  # PostgreSQL text cannot store it
            raise ValueError("Cannot contain a NUL character.")
        if required and not text:
            raise ValueError(required)
        return text

    return clean


def _boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError("Enter true or false.")
    return raw


CLEANERS: dict[str, Callable[[Any], Any]] = {
    **{name: text_cleaner(limit, REQUIRED.get(name, "")) for name, limit in TEXT_LIMITS.items()},
    "tax_rate": normalise_tax_rate,
    "is_active": _boolean,
}


def clean_fields(data: dict[str, Any], partial: bool) -> tuple[dict[str, Any], list[FieldError]]:
    """The product's own fields validated; every field's problem is reported at once."""
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name in sorted(set(data) - set(FIELDS)):
        problems.append(FieldError((name,), "Unknown or read-only field.", "extra_forbidden"))
    if not partial:
        data = {**{name: None for name in REQUIRED}, **data}
    for name in FIELDS:
        if name not in data:
            continue
        try:
            cleaned[name] = CLEANERS[name](data[name])
        except ValueError as exc:
            problems.append(FieldError((name,), str(exc)))
    return cleaned, problems


def clean_prices(raw: Any) -> tuple[dict[str, decimal.Decimal], list[FieldError]]:
    """{currency: unit price} from [{"currency": "EUR", "unit_price": "120.00"}, ...]."""
    if raw is None:
        raw = []
    if not isinstance(raw, list) or len(raw) > MAX_PRICES:
        return {}, [FieldError(("prices",), f"Give a list of at most {MAX_PRICES} prices.")]
    prices: dict[str, decimal.Decimal] = {}
    problems: list[FieldError] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            problems.append(FieldError(("prices", i), "Give a currency and a unit price."))
            continue
        for name in sorted(set(item) - {"currency", "unit_price"}):
            problems.append(
                FieldError(("prices", i, name), "Unknown or read-only field.", "extra_forbidden")
            )
        currency = price = None
        try:
            currency = normalise_currency(item.get("currency"))
        except ValueError as exc:
            problems.append(FieldError(("prices", i, "currency"), str(exc)))
        if currency in seen:
            problems.append(
                FieldError(("prices", i, "currency"), f"{currency} has a price already.")
            )
        try:
            price = normalise_unit_price(item.get("unit_price"))
        except ValueError as exc:
            problems.append(FieldError(("prices", i, "unit_price"), str(exc)))
        if currency is not None:
            seen.add(currency)
            if price is not None:
                prices.setdefault(currency, price)
    return prices, problems


def snapshot(product: Product) -> dict[str, Any]:
    """The product as the audit log keeps it, list prices as {currency: unit price}."""
    data = {name: getattr(product, name) for name in FIELDS}
    rows = product.prices.order_by("currency").values_list("currency", "unit_price")
    data["prices"] = dict(rows) if product.pk else {}
    return data


def _check_sku_is_free(product: Product) -> None:
    taken = Product.objects.filter(
        workspace_id=product.workspace_id, sku__iexact=product.sku, deleted_at__isnull=True
    ).exclude(pk=product.pk)
    if taken.exists():
        message = f"Another product has the SKU {product.sku!r}."
        raise Conflict(message, [FieldError(("sku",), message, "duplicate")])


def _save(product: Product) -> None:
    _check_sku_is_free(product)
    try:
        with transaction.atomic():
            product.save()
    except IntegrityError as exc:  # a concurrent write took the SKU between check and save
        message = f"Another product has the SKU {product.sku!r}."
        raise Conflict(message, [FieldError(("sku",), message, "duplicate")]) from exc


def _set_prices(product: Product, prices: dict[str, decimal.Decimal]) -> None:
    product.prices.exclude(currency__in=prices).delete()
    current = {row.currency: row for row in product.prices.all()}
    changed = []
    for currency, price in prices.items():
        row = current.get(currency)
        if row is not None and row.unit_price != price:
            row.unit_price = price
            changed.append(row)
    ProductPrice.objects.bulk_update(changed, ["unit_price"])
    ProductPrice.objects.bulk_create(
        ProductPrice(product=product, workspace_id=product.workspace_id, currency=c, unit_price=p)
        for c, p in prices.items()
        if c not in current
    )


def _apply(product: Product, data: dict[str, Any], partial: bool) -> None:
    """Validate `data` and write it on `product` (saved), with its list prices."""
    data = dict(data)
    raw_prices = data.pop("prices", ...)
    cleaned, problems = clean_fields(data, partial)
    prices: dict[str, decimal.Decimal] | None = None
    if raw_prices is not ...:
        prices, price_problems = clean_prices(raw_prices)
        problems += price_problems
    if problems:
        raise Invalid(problems[0].msg, problems)
    for name, value in cleaned.items():
        setattr(product, name, value)
    _save(product)
    if prices is not None:
        _set_prices(product, prices)


@transaction.atomic
def create_product(principal: Principal, data: dict[str, Any]) -> Product:
    require(principal, "create", OBJECT_TYPE)
    product = Product(workspace_id=principal.workspace_id)
    _apply(product, data, partial=False)
    record_change(principal, "create", OBJECT_TYPE, product, snapshot(product))
    return product


@transaction.atomic
def update_product(
    principal: Principal, product_id: int, data: dict[str, Any], expected_version: int | None = None
) -> Product:
    """Change some fields (and, when `prices` is given, replace the list prices)."""
    product = lock_record(Product, principal, product_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, product)
    check_version(product, expected_version)
    before = snapshot(product)
    product.bump()
    _apply(product, data, partial=True)
    record_change(principal, "update", OBJECT_TYPE, product, diff(before, snapshot(product)))
    return product


@transaction.atomic
def delete_product(principal: Principal, product_id: int) -> None:
    """Move the product to the restore bin; its SKU is free for another product meanwhile."""
    product = lock_record(Product, principal, product_id, deleted=False)
    move_to_bin(principal, product, snapshot)


@transaction.atomic
def restore_product(principal: Principal, product_id: int) -> Product:
    """Bring the product back, unless a live product took its SKU meanwhile (409)."""
    product = lock_record(Product, principal, product_id, deleted=True)
    require(principal, "delete", OBJECT_TYPE, product)
    _check_sku_is_free(product)
    restore_from_bin(principal, product)
    return product


@transaction.atomic
def hard_delete_product(principal: Principal, product_id: int) -> None:
    """Erase the product for good (admins only), with its list prices and price book entries."""
    product = lock_record(Product, principal, product_id, deleted=None)
    try:
        erase(principal, product, snapshot)
    except ProtectedError as exc:
        raise Conflict("Records still refer to this product; it cannot be erased.") from exc
