"""Writes about a deal's line items: the whole list is replaced at once.

Editing line items is editing the deal (its *edit* right, its If-Match version). The items are
priced in the deal's currency: a new line's unit price defaults to the product's price from the
deal's price book, else its list price (`products.queries.prices_for`); its name, description
and tax rate default to the product's. A line sent with the `id` of one of the deal's lines is
that line kept: fields left out keep their stored values, and it keeps its product even when
the product has since been made inactive or deleted; a new line needs an active product (or
none: a free line with a name and a price).

The deal's amount becomes the sum of the lines' nets (before tax; `deals.line_amounts`) through
`write_deal_update`, in the same transaction, so the change is one audit entry and one
`deal.updated` event with `amount` and `line_items` before and after. Removing every line leaves
the amount as it was, to be set by hand again.
"""

from __future__ import annotations

import decimal
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction

from rapport.core.errors import FieldError, Invalid
from rapport.core.lifecycle import check_version, lock_record
from rapport.core.permissions import Principal, require
from rapport.deals.line_amounts import line_amounts
from rapport.deals.models import Deal, LineItem
from rapport.deals.services.deals import write_deal_update
from rapport.products.amounts import MAX_PRICE, normalise_tax_rate, normalise_unit_price
from rapport.products.models import Product
from rapport.products.queries import prices_for, visible_products

OBJECT_TYPE = "deal"
MAX_ITEMS = 200
MAX_QUANTITY = Decimal(10) ** 9
QUANTITY_PLACES = Decimal("0.0001")
FIELDS = frozenset(
    {
        "id",
        "product_id",
        "name",
        "description",
        "quantity",
        "unit_price",
        "discount_percent",
        "tax_rate",
    }
)
TEXT_LIMITS = {"name": 200, "description": 5000}


def line_item_row(item: LineItem) -> dict[str, Any]:
    """A line as the audit log and events show it."""
    return {
        "product_id": item.product_id,
        "name": item.name,
        "description": item.description,
        "quantity": item.quantity,
        "unit_price": item.unit_price,
        "discount_percent": item.discount_percent,
        "tax_rate": item.tax_rate,
    }


# --- Values -------------------------------------------------------------------------------------


def _number(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValueError("Enter a number.")
    try:
        value = Decimal(str(raw).strip())
    except decimal.InvalidOperation as exc:
        raise ValueError("Enter a number.") from exc
    if not value.is_finite():
        raise ValueError("Enter a number.")
    return value


def clean_quantity(raw: Any) -> Decimal:
    """More than 0, below 10^9, at most four decimals (never rounded)."""
    value = _number(raw)
    if value <= 0:
        raise ValueError("Enter a quantity above 0.")
    if value >= MAX_QUANTITY:
        raise ValueError("Enter a quantity below 1,000,000,000.")
    if value != value.quantize(QUANTITY_PLACES, rounding=decimal.ROUND_DOWN):
        raise ValueError("Use at most 4 decimal places.")
    return value.quantize(QUANTITY_PLACES)


def clean_discount(raw: Any) -> Decimal:
    """A percentage from 0 to 100 with at most two decimals; empty means none."""
    return normalise_tax_rate(raw)


def _text(name: str) -> Callable[[Any], str]:
    limit = TEXT_LIMITS[name]

    def clean(raw: Any) -> str:
        if raw is None:
            return ""
        if not isinstance(raw, str):
            raise ValueError("Enter text.")
        text = raw.strip()
        if len(text) > limit:
            raise ValueError(f"At most {limit:,} characters.")
        if "\x00" in text:
            raise ValueError("Cannot contain a NUL character.")
        return text

    return clean


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": _text("name"),
    "description": _text("description"),
    "quantity": clean_quantity,
    "unit_price": normalise_unit_price,
    "discount_percent": clean_discount,
    "tax_rate": normalise_tax_rate,
}


# --- One line -----------------------------------------------------------------------------------


class _Context:
    """What cleaning the lines needs, read once: the deal's lines, the products named, prices."""

    def __init__(self, principal: Principal, deal: Deal, items: list[Any]) -> None:
        self.deal = deal
        self.stored = {i.pk: i for i in deal.line_items.select_related("product")}
        wanted = {i.get("product_id") for i in items if isinstance(i, dict)}
        ids = [w for w in wanted if isinstance(w, int) and not isinstance(w, bool)]
        self.products = {p.pk: p for p in visible_products(principal).filter(pk__in=ids)}
        self.prices = prices_for(deal.workspace_id, ids, deal.currency, deal.price_book_id)
        self.kept: set[int] = set()


def _kept_line(ctx: _Context, raw: dict[str, Any], problems: list[FieldError]) -> LineItem | None:
    item_id = raw.get("id")
    if item_id is None:
        return None
    kept = ctx.stored.get(item_id) if isinstance(item_id, int) else None
    if kept is None or item_id in ctx.kept:
        message = "No such line on this deal." if kept is None else "This line is listed twice."
        problems.append(FieldError(("id",), message))
        return None
    ctx.kept.add(item_id)
    return kept


def _product(
    ctx: _Context, raw: dict[str, Any], kept: LineItem | None, problems: list[FieldError]
) -> tuple[Product | None, LineItem | None]:
    """The line's product, and the kept line whose values are its defaults (same product)."""
    product_id = raw.get("product_id", kept.product_id if kept else None)
    if kept is not None and kept.product_id == product_id:
        return kept.product, kept
    if product_id is None:
        return None, None
    product = ctx.products.get(product_id) if isinstance(product_id, int) else None
    if product is None:
        problems.append(FieldError(("product_id",), "No such product."))
    elif not product.is_active:
        problems.append(
            FieldError(("product_id",), f"{product.name} is inactive; it cannot be added.")
        )
        return None, None
    return product, None


def _defaults(ctx: _Context, product: Product | None, base: LineItem | None) -> dict[str, Any]:
    if base is not None:
        return {name: getattr(base, name) for name in CLEANERS}
    zero = Decimal("0.00")
    defaults: dict[str, Any] = {
        "quantity": Decimal("1.0000"),
        "discount_percent": zero,
        "tax_rate": zero,
    }
    if product is not None:
        defaults["name"], defaults["description"] = product.name, product.description
        defaults["tax_rate"], defaults["unit_price"] = product.tax_rate, ctx.prices.get(product.pk)
    return defaults


def _clean_line(ctx: _Context, raw: Any, position: int) -> tuple[LineItem | None, list[FieldError]]:
    """The line as it will be stored, or the problems with it (paths relative to the line)."""
    problems: list[FieldError] = []
    if not isinstance(raw, dict):
        return None, [FieldError((), "Give a line as an object.")]
    for name in sorted(set(raw) - FIELDS):
        problems.append(FieldError((name,), "Unknown field.", "extra_forbidden"))
    kept = _kept_line(ctx, raw, problems)
    product, base = _product(ctx, raw, kept, problems)
    values = _defaults(ctx, product, base)
    for name, cleaner in CLEANERS.items():
        if name in raw:
            try:
                values[name] = cleaner(raw[name])
            except ValueError as exc:
                problems.append(FieldError((name,), str(exc)))
    said = {p.loc[0] for p in problems if p.loc}
    if "product_id" in said:  # what the product would have given is not missing
        return None, problems
    if not values.get("name") and "name" not in said:
        problems.append(FieldError(("name",), "A line needs a name (or a product)."))
    if values.get("unit_price") is None and "unit_price" not in said:
        missing = f"{product.name} has no price in {ctx.deal.currency}; e" if product else "E"
        problems.append(FieldError(("unit_price",), f"{missing}nter a unit price."))
    if problems:
        return None, problems
    line = kept if kept is not None else LineItem(deal=ctx.deal, workspace_id=ctx.deal.workspace_id)
    line.product = product
    for name, value in values.items():
        setattr(line, name, value)
    line.position = position
    return line, []


# --- The list -----------------------------------------------------------------------------------


def _clean_lines(principal: Principal, deal: Deal, items: Any) -> tuple[list[LineItem], _Context]:
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise Invalid.on("items", f"Give a list of at most {MAX_ITEMS} lines.")
    ctx = _Context(principal, deal, items)
    lines: list[LineItem] = []
    problems: list[FieldError] = []
    for i, raw in enumerate(items):
        line, found = _clean_line(ctx, raw, i)
        problems += [FieldError(("items", i, *p.loc), p.msg, p.type) for p in found]
        if line is not None:
            lines.append(line)
    if problems:
        raise Invalid("Some line items are not valid.", problems)
    return lines, ctx


def _subtotal(lines: list[LineItem]) -> Decimal:
    nets = [
        line_amounts(li.quantity, li.unit_price, li.discount_percent, li.tax_rate).net
        for li in lines
    ]
    subtotal = sum(nets, Decimal("0.00"))
    if subtotal >= MAX_PRICE:
        raise Invalid.on("items", "The lines add up to 10^13 or more; split the deal.")
    return subtotal


@transaction.atomic
def set_line_items(
    principal: Principal, deal_id: int, items: list[Any], expected_version: int | None = None
) -> Deal:
    """Replace the deal's line items with `items` (in order) and set its amount to their sum."""
    deal = lock_record(Deal, principal, deal_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, deal)
    check_version(deal, expected_version)
    lines, ctx = _clean_lines(principal, deal, items)
    subtotal = _subtotal(lines)
    before = [line_item_row(li) for li in sorted(ctx.stored.values(), key=_order)]
    LineItem.objects.filter(deal=deal).exclude(pk__in=ctx.kept).delete()
    for line in lines:
        line.save()
    after = [line_item_row(li) for li in lines]
    data = {"amount": subtotal} if lines else {}
    return write_deal_update(principal, deal, data, (before, after))


def _order(line: LineItem) -> tuple[int, int]:
    return line.position, line.pk
