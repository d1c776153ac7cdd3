"""The Products panel of a deal's page: its line items with their totals, and their editor.

Add a product (picked by SKU or name), change a line's quantity, price, discount or tax, move
it up or down, remove it, or choose the deal's price book. Each change is applied to the lines
as they are now and saved through set_line_items at the deal's version as the page read it; a
write that slipped in between is refused (409) and the panel shows the lines as they now are.
A refused value comes back beside its line with what was typed (422).
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import Invalid, NotFound, PreconditionFailed
from rapport.core.inline_edit import CHANGED_EVENT
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.deals import queries, services
from rapport.deals.models import Deal
from rapport.deals.schemas import line_items_body
from rapport.products.models import Product
from rapport.products.queries import search_products, visible_price_books
from rapport.workspaces.auth import member_required

PANEL = "deals/_line_items.html"
OBJECT_TYPE = "deal"
SUGGESTIONS = 10
EDITABLE = ("quantity", "unit_price", "discount_percent", "tax_rate")
NEW = "new"


def line_items_context(principal: Principal, deal: Deal) -> dict[str, Any]:
    books = visible_price_books(principal).filter(is_active=True).order_by("name", "pk")
    choices = [(book.pk, book.name) for book in books]
    if deal.price_book_id and all(pk != deal.price_book_id for pk, _ in choices):
        current = visible_price_books(principal).filter(pk=deal.price_book_id).first()
        choices += [(current.pk, f"{current.name} (inactive)")] if current else []
    return {
        "deal": deal,
        "lines": line_items_body(deal, queries.line_items_of(deal)),
        "price_books": choices,
        "can_edit": can(principal, "edit", OBJECT_TYPE, deal),
    }


def _option(product: Product) -> str:
    return f"{product.sku} — {product.name}"


@require_GET
@member_required
def product_options(request: HttpRequest) -> HttpResponse:
    """The product picker's suggestions (active products by SKU or name) as `<option>`s."""
    hits = search_products(page_principal(request), request.GET.get("product", ""), SUGGESTIONS)
    return render(request, "companies/_options.html", {"names": [_option(p) for p in hits]})


def _picked_product(principal: Principal, text: str) -> int:
    """The product the picker names: "SKU — Name" as suggested, an exact SKU, or the one match."""
    sku = text.split(" — ")[0].strip()
    found = search_products(principal, sku, limit=2)
    exact = [p for p in found if p.sku.lower() == sku.lower()]
    if exact or len(found) == 1:
        return (exact or found)[0].pk
    problem = "No active product matches." if not found else "Several products match."
    raise Invalid.on(("items", NEW, "product_id"), f"{problem} Pick one from the suggestions.")


def _typed(post: QueryDict, names: tuple[str, ...]) -> dict[str, str]:
    """The posted values the service should take: those filled in."""
    return {name: post.get(name, "").strip() for name in names if post.get(name, "").strip()}


def _changed_lines(
    principal: Principal, deal: Deal, post: QueryDict, line_id: int | None
) -> list[dict[str, Any]]:
    """The deal's lines after the posted change (each kept line by its id)."""
    lines: list[dict[str, Any]] = [{"id": li.pk} for li in queries.line_items_of(deal)]
    if line_id is None:  # add
        product_id = _picked_product(principal, post.get("product", ""))
        new = {"product_id": product_id, **_typed(post, EDITABLE)}
        return [*lines, new]
    index = next((i for i, line in enumerate(lines) if line["id"] == line_id), None)
    if index is None:
        raise NotFound("This line is not on the deal.")
    action = post.get("action", "")
    if action == "remove":
        del lines[index]
    elif action in ("up", "down"):
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(lines):
            lines[index], lines[other] = lines[other], lines[index]
    elif action == "save":
        lines[index] |= {"name": post.get("name", ""), **_typed(post, EDITABLE)}
    else:
        raise Invalid.on("action", "Choose what to change.")
    return lines


def _problems(exc: Invalid, lines_before: int, line_id: int | None) -> dict[str, Any]:
    """The errors by field for the line concerned, and the rest as sentences."""
    fields: dict[str, str] = {}
    other: list[str] = []
    for error in exc.errors:
        loc = error.loc
        if (
            len(loc) == 3
            and loc[0] == "items"
            and (loc[1] == NEW or line_id is not None or loc[1] == lines_before)
        ):
            fields[str(loc[2])] = error.msg
        else:
            other.append(error.msg)
    return {"field_errors": fields, "problems": other or ([] if fields else [exc.detail])}


def _save(request: HttpRequest, deal_id: int, line_id: int | None) -> HttpResponse:
    principal = page_principal(request)
    deal = queries.get_deal(principal, deal_id)
    version = request.POST.get("version", "")
    extra: dict[str, Any] = {"problems": [], "field_errors": {}}
    status = 200
    try:
        lines = _changed_lines(principal, deal, request.POST, line_id)
        expected = int(version) if version.isdigit() else deal.version
        services.set_line_items(principal, deal.pk, lines, expected)
    except Invalid as exc:
        status = 422
        extra = _problems(exc, len(queries.line_items_of(deal)), line_id)
        extra |= {"typed": request.POST, "typed_for": line_id or NEW}
    except PreconditionFailed:
        status = 409
        extra["problems"] = [
            "Someone changed this deal meanwhile; the lines are shown as they are now."
        ]
    context = line_items_context(principal, queries.get_deal(principal, deal_id)) | extra
    response = render(request, PANEL, context, status=status)
    if status == 200:
        response["HX-Trigger"] = CHANGED_EVENT
    return response


@require_POST
@member_required
def line_add(request: HttpRequest, deal_id: int) -> HttpResponse:
    return _save(request, deal_id, None)


@require_POST
@member_required
def line_change(request: HttpRequest, deal_id: int, line_id: int) -> HttpResponse:
    """Save a line's values, move it up or down, or remove it (`action`)."""
    return _save(request, deal_id, line_id)


@require_POST
@member_required
def price_book_change(request: HttpRequest, deal_id: int) -> HttpResponse:
    """Choose the price book new lines take their prices from (lines already there keep theirs)."""
    principal = page_principal(request)
    raw, version = request.POST.get("price_book_id", ""), request.POST.get("version", "")
    status, problems = 200, []
    data = {"price_book_id": int(raw) if raw.isdigit() else None}
    try:
        services.update_deal(principal, deal_id, data, int(version) if version.isdigit() else None)
    except Invalid as exc:
        status, problems = 422, [e.msg for e in exc.errors] or [exc.detail]
    except PreconditionFailed:
        status, problems = 409, ["Someone changed this deal meanwhile; here it is as it is now."]
    context = line_items_context(principal, queries.get_deal(principal, deal_id))
    response = render(request, PANEL, context | {"problems": problems}, status=status)
    if status == 200:
        response["HX-Trigger"] = CHANGED_EVENT
    return response
