"""Settings > Products: the list (search, filters, "Load more"), the product form with its list
prices, activating and deactivating, and deleting into the restore bin.

Thin: ProductForm and the price rows parse, products.services decides; the list reads through
the same keyset query as GET /api/v1/products.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Invalid, PreconditionFailed, RapportError
from rapport.core.pages import add_service_errors, is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import can, require
from rapport.products import queries, services
from rapport.products.forms import (
    PriceRow,
    ProductFilterForm,
    ProductForm,
    add_price_errors,
    change_price_rows,
    posted_price_rows,
    price_rows_of,
    prices_input,
)
from rapport.products.models import Product
from rapport.products.services.products import clean_prices
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/products"
PERMISSION = "product"
PAGE_SIZE = 50
LIST = "products/products.html"
EDITOR = "products/product.html"


@require_GET
@member_required
def product_list(request: HttpRequest) -> HttpResponse:
    """Products by name: a search box, category and status filters, then "Load more"."""
    principal = page_principal(request)
    require(principal, "view", PERMISSION)
    form = ProductFilterForm(request.GET, queries.product_categories(principal))
    cursor = request.GET.get("cursor") or None
    params = ListParams(
        filter=form.terms(), sort="name", limit=PAGE_SIZE, cursor=cursor, fields=None
    )
    q = form.cleaned_data.get("q", "") if form.is_valid() else ""
    problem = ""
    try:
        page = queries.list_products(principal, params, q)
    except Invalid as exc:  # an edited cursor
        page, problem = Page([], None, 0, False), exc.detail
    query = {k: v for k, v in request.GET.items() if k != "cursor" and v}
    context = {
        "form": form,
        "page": page,
        "problem": problem,
        "is_first_page": cursor is None,
        "is_filtered": bool(query),
        "filter_query": urlencode(query),
        "next_query": urlencode({**query, "cursor": page.next_cursor}) if page.next_cursor else "",
        "can_create": can(principal, "create", PERMISSION),
    }
    if is_htmx(request) and cursor:
        return render_settings(request, f"{LIST}#rows", context)
    return render_settings(request, LIST, context)


def _editor(
    request: HttpRequest,
    form: ProductForm,
    rows: list[PriceRow],
    product: Product | None,
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    can_save = can(principal, "edit" if product else "create", PERMISSION)
    if not can_save:
        form.make_read_only()
    context = {
        "form": form,
        "rows": rows,
        "product": product,
        "can_save": can_save,
        "can_delete": product is not None and can(principal, "delete", PERMISSION),
        "categories": queries.product_categories(principal),
    }
    return render_settings(request, EDITOR, context, status)


def _problems_on_form(
    form: ProductForm, rows: list[PriceRow], kept: list[int], exc: RapportError
) -> None:
    """A service's errors on the price rows they name, the rest on the form's fields."""
    add_price_errors(rows, kept, exc.errors)
    rest = [e for e in exc.errors if not (len(e.loc) == 3 and e.loc[0] == "prices")]
    if rest or not exc.errors:
        add_service_errors(form, Invalid(exc.detail, rest))


def _save(
    request: HttpRequest, form: ProductForm, rows: list[PriceRow], product: Product | None
) -> HttpResponse:
    """Create or update from the posted form; the editor again (keeping the input) if refused."""
    principal = page_principal(request)
    prices, kept = prices_input(rows)
    if not form.is_valid():  # show the prices' problems too, all at once
        add_price_errors(rows, kept, clean_prices(prices)[1])
        return _editor(request, form, rows, product, 422)
    data = {**form.cleaned_data, "prices": prices}
    status = 422
    try:
        if product is None:
            saved = services.create_product(principal, data)
        else:
            raw = request.POST.get("version", "")
            version = int(raw) if raw.isdigit() and len(raw) < 10 else None
            saved = services.update_product(principal, product.pk, data, version)
    except Invalid as exc:
        _problems_on_form(form, rows, kept, exc)
    except Conflict as exc:
        _problems_on_form(form, rows, kept, exc)
        status = 409
    except PreconditionFailed:
        form.add_error(None, "Someone changed this product meanwhile; reload it and try again.")
        status = 409
    else:
        messages.success(request, f"Product {saved.name} saved.")
        return redirect(URL)
    return _editor(request, form, rows, product, status)


@require_http_methods(["GET", "POST"])
@member_required
def product_new(request: HttpRequest) -> HttpResponse:
    require(page_principal(request), "create", PERMISSION)
    form = ProductForm(request.POST or None)
    if request.method != "POST":
        return _editor(request, form, [PriceRow()], None)
    rows = posted_price_rows(request.POST)
    if change_price_rows(rows, request.POST):  # "Add price" or "Remove": draw it again
        return _editor(request, ProductForm.as_typed(request.POST), rows, None)
    return _save(request, form, rows, None)


def _initial(product: Product) -> dict[str, Any]:
    fields = ("sku", "name", "category", "unit", "description", "is_active")
    return {name: getattr(product, name) for name in fields} | {"tax_rate": str(product.tax_rate)}


@require_http_methods(["GET", "POST"])
@member_required
def product_edit(request: HttpRequest, product_id: int) -> HttpResponse:
    """A product's form; read-only for roles that may not edit."""
    product = queries.get_product(page_principal(request), product_id)
    form = ProductForm(request.POST or None, initial=_initial(product))
    if request.method != "POST":
        return _editor(request, form, price_rows_of(product.price_rows), product)  # type: ignore[attr-defined]
    require(page_principal(request), "edit", PERMISSION, product)
    rows = posted_price_rows(request.POST)
    if change_price_rows(rows, request.POST):
        return _editor(request, ProductForm.as_typed(request.POST), rows, product)
    return _save(request, form, rows, product)


@require_POST
@member_required
def product_active(request: HttpRequest, product_id: int) -> HttpResponse:
    """Activate (is_active=true) or deactivate a product."""
    is_active = request.POST.get("is_active") == "true"
    product = services.update_product(page_principal(request), product_id, {"is_active": is_active})
    state = "active again" if is_active else "inactive: it cannot be added to new line items"
    messages.success(request, f"{product.name} is {state}.")
    return redirect(f"{URL}/{product.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def product_delete(request: HttpRequest, product_id: int) -> HttpResponse:
    """GET: asked before deleting; POST: move to the restore bin."""
    principal = page_principal(request)
    product = queries.get_product(principal, product_id)
    if request.method == "POST":
        services.delete_product(principal, product_id)
        messages.success(request, f"{product.name} moved to the restore bin.")
        return redirect(URL)
    require(principal, "delete", PERMISSION, product)
    context = {"product": product, "bin_days": settings.RESTORE_BIN_DAYS}
    return render_settings(request, "products/product_delete.html", context)
