"""Settings > Products > Price books: the list, a book's details, and its entries (add with a
product picker, change a price in place, remove).

Thin: the forms parse, products.services decides; a book's entries are read with the same
keyset query as GET /api/v1/price-books/{id}/entries.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, FieldError, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, is_htmx, page_principal, render_partial
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can, require
from rapport.products import queries, services
from rapport.products.forms import EntryForm, PriceBookForm
from rapport.products.models import PriceBook, PriceBookEntry
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/products/price-books"
PERMISSION = "product"
PAGE_SIZE = 100
BOOK = "products/price_book.html"


def _book_url(book_id: int) -> str:
    return f"{URL}/{book_id}"


@require_GET
@member_required
def price_book_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", PERMISSION)
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort="name", limit=PAGE_SIZE, cursor=cursor, fields=None)
    context = {
        "page": queries.list_price_books(principal, params),
        "is_first_page": cursor is None,
        "can_create": can(principal, "create", PERMISSION),
    }
    return render_settings(request, "products/price_books.html", context)


def _book_form(request: HttpRequest, book: PriceBook | None) -> PriceBookForm:
    if book is None:
        return PriceBookForm(request.POST or None)
    initial = {"name": book.name, "description": book.description, "is_active": book.is_active}
    return PriceBookForm(request.POST or None, initial=initial)


def _save_book(
    request: HttpRequest, form: PriceBookForm, book: PriceBook | None
) -> tuple[int | None, int]:
    """Create or update: the saved book's id, or None and the status with the form's problems."""
    principal = page_principal(request)
    if not form.is_valid():
        return None, 422
    try:
        if book is None:
            return services.create_price_book(principal, form.cleaned_data).pk, 200
        raw = request.POST.get("version", "")
        version = int(raw) if raw.isdigit() and len(raw) < 10 else None
        return services.update_price_book(principal, book.pk, form.cleaned_data, version).pk, 200
    except Invalid as exc:
        add_service_errors(form, exc)
        return None, 422
    except Conflict as exc:  # the name is taken
        add_service_errors(form, Invalid(exc.detail, exc.errors))
        return None, 409
    except PreconditionFailed:
        form.add_error(None, "Someone changed this price book meanwhile; reload it and try again.")
        return None, 409


@require_http_methods(["GET", "POST"])
@member_required
def price_book_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", PERMISSION)
    form = _book_form(request, None)
    status = 200
    if request.method == "POST":
        saved, status = _save_book(request, form, None)
        if saved is not None:
            messages.success(request, f"Price book {form.cleaned_data['name']} created.")
            return redirect(_book_url(saved))
    context = {"form": form, "book": None, "can_save": True}
    return render_settings(request, BOOK, context, status)


def _offer(principal: Principal, form: EntryForm, q: str = "", chosen: Any = None) -> None:
    """The picker's products matching `q` (else the first ones), and the one chosen (kept when
    drawing the form again after an error)."""
    products = queries.product_choices(principal, q[:200])
    if isinstance(chosen, int) and all(p.pk != chosen for p in products):
        found = queries.find_product(principal, chosen)
        products = [found, *products] if found is not None else products
    form.offer([(p.pk, f"{p.sku} · {p.name}") for p in products])


def _book_page(
    request: HttpRequest,
    book: PriceBook,
    form: PriceBookForm | None = None,
    entry_form: EntryForm | None = None,
    row_errors: dict[int, tuple[str, str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A price book: its details form, its entries (100 a page) and the form adding one.

    `row_errors` holds, by entry id, a refused in-place price: (what was typed, why).
    """
    principal = page_principal(request)
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort=None, limit=PAGE_SIZE, cursor=cursor, fields=None)
    problem = ""
    try:
        entries = queries.list_price_book_entries(principal, book.pk, params)
    except Invalid as exc:  # an edited cursor
        entries, problem = Page([], None, 0, False), exc.detail
    for entry in entries.items:
        entry.row_error = (row_errors or {}).get(entry.pk)  # type: ignore[attr-defined]
    can_edit = can(principal, "edit", PERMISSION, book)
    form = form or _book_form(request, book)
    if not can_edit:
        form.make_read_only()
    picker_q = request.GET.get("q", "")[:200]
    if entry_form is None and can_edit:
        entry_form = EntryForm()
        _offer(principal, entry_form, picker_q)
    context = {
        "book": book,
        "form": form,
        "entries": entries,
        "entry_form": entry_form,
        "picker_q": picker_q,
        "problem": problem,
        "is_first_page": cursor is None,
        "can_save": can_edit,
        "can_edit": can_edit,
        "can_delete": can(principal, "delete", PERMISSION, book),
    }
    if is_htmx(request) and cursor:
        return render_settings(request, f"{BOOK}#entry_rows", context)
    return render_settings(request, BOOK, context, status)


@require_http_methods(["GET", "POST"])
@member_required
def price_book_page(request: HttpRequest, price_book_id: int) -> HttpResponse:
    """GET: the book and its entries; POST: save its details."""
    principal = page_principal(request)
    book = queries.get_price_book(principal, price_book_id)
    if request.method != "POST":
        return _book_page(request, book)
    require(principal, "edit", PERMISSION, book)
    form = _book_form(request, book)
    saved, status = _save_book(request, form, book)
    if saved is not None:
        messages.success(request, f"Price book {form.cleaned_data['name']} saved.")
        return redirect(_book_url(book.pk))
    return _book_page(request, book, form=form, status=status)


@require_http_methods(["GET", "POST"])
@member_required
def price_book_delete(request: HttpRequest, price_book_id: int) -> HttpResponse:
    """GET: asked before deleting; POST: delete."""
    principal = page_principal(request)
    book = queries.get_price_book(principal, price_book_id)
    if request.method == "POST":
        services.delete_price_book(principal, price_book_id)
        messages.success(request, f"Price book {book.name} deleted.")
        return redirect(URL)
    require(principal, "delete", PERMISSION, book)
    return render_settings(request, "products/price_book_delete.html", {"book": book})


def _entry_problems(form: EntryForm, exc: Invalid) -> None:
    """Errors at ("entries", 0, field) on the entry form's fields."""
    located = [FieldError(e.loc[2:], e.msg, e.type) for e in exc.errors if len(e.loc) == 3]
    add_service_errors(form, Invalid(exc.detail, located))


@require_POST
@member_required
def entry_add(request: HttpRequest, price_book_id: int) -> HttpResponse:
    """Add an entry (or change the price of the product's entry in that currency)."""
    principal = page_principal(request)
    book = queries.get_price_book(principal, price_book_id)
    require(principal, "edit", PERMISSION, book)
    form = EntryForm(request.POST)
    if form.is_valid():
        try:
            services.set_price_book_entries(principal, book.pk, [form.cleaned_data])
        except Invalid as exc:
            _entry_problems(form, exc)
        else:
            messages.success(request, "Entry saved.")
            return redirect(_book_url(book.pk))
    _offer(principal, form, chosen=form.cleaned_data.get("product_id"))
    return _book_page(request, book, entry_form=form, status=422)


@require_POST
@member_required
def entry_update(request: HttpRequest, price_book_id: int, entry_id: int) -> HttpResponse:
    """Change one entry's price in place (htmx swaps the row; a plain post reloads the page)."""
    principal = page_principal(request)
    entry = queries.get_price_book_entry(principal, price_book_id, entry_id)
    typed = request.POST.get("unit_price", "")[:40]
    change = {"product_id": entry.product_id, "currency": entry.currency, "unit_price": typed}
    try:
        (saved,) = services.set_price_book_entries(principal, price_book_id, [change])
    except Invalid as exc:
        message = exc.errors[0].msg if exc.errors else exc.detail
        if is_htmx(request):
            return _entry_row(request, entry, (typed, message), 422)
        book = queries.get_price_book(principal, price_book_id)
        return _book_page(request, book, row_errors={entry.pk: (typed, message)}, status=422)
    if is_htmx(request):
        return _entry_row(request, saved)
    messages.success(request, "Price saved.")
    return redirect(_book_url(price_book_id))


def _entry_row(
    request: HttpRequest,
    entry: PriceBookEntry,
    error: tuple[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    entry.row_error = error  # type: ignore[attr-defined]
    context = {"book": entry.price_book, "entry": entry, "can_edit": True}
    return render_partial(request, f"{BOOK}#entry_row", context, status)


@require_POST
@member_required
def entry_remove(request: HttpRequest, price_book_id: int, entry_id: int) -> HttpResponse:
    """Remove one entry (htmx removes the row; a plain post reloads the page)."""
    principal = page_principal(request)
    entry = queries.get_price_book_entry(principal, price_book_id, entry_id)
    services.delete_price_book_entries(principal, price_book_id, [entry.pk])
    if is_htmx(request):
        return HttpResponse("")
    messages.success(request, f"{entry.product.name} ({entry.currency}) removed from the book.")
    return redirect(_book_url(price_book_id))


@require_GET
@member_required
def product_options(request: HttpRequest) -> HttpResponse:
    """The entry form's product choices matching the typed SKU or name (htmx)."""
    principal = page_principal(request)
    require(principal, "view", PERMISSION)
    products = queries.product_choices(principal, request.GET.get("q", "")[:200])
    form = EntryForm(initial={"product_id": products[0].pk} if products else None)
    form.offer([(p.pk, f"{p.sku} · {p.name}") for p in products])
    return render_partial(request, f"{BOOK}#product_options", {"entry_form": form})
