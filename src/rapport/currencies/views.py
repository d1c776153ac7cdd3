"""Settings → Currencies: the base currency and its change, the exchange rates (filter, "Load
more", add, edit, delete) and their CSV import.

Thin: forms parse, currencies.services decides; the list reads through the same keyset query as
GET /api/v1/exchange-rates. Controls a role may not use are not drawn, and the services refuse
the write anyway.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal, render_partial
from rapport.core.permissions import Principal, can, require
from rapport.currencies import queries, services
from rapport.currencies.codes import currency_name, is_currency, normalise
from rapport.currencies.decimals import decimal_text
from rapport.currencies.forms import BaseCurrencyForm, ImportForm, RateForm
from rapport.currencies.models import ExchangeRate
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/currencies"
OBJECT_TYPE = queries.OBJECT_TYPE
PAGE = "currencies/settings.html"
PAGE_SIZE = 50
STALE = "Someone changed this rate meanwhile; reload the page to see it, then try again."


def _rates(principal: Principal, request: HttpRequest) -> dict[str, Any]:
    """A page of rates, newest first, of the currency chosen in the filter (if any)."""
    currency = normalise(request.GET.get("currency"))
    currency = currency if is_currency(currency) else ""
    cursor = request.GET.get("cursor") or None
    terms = [f"currency:eq:{currency}"] if currency else []
    params = ListParams(filter=terms, sort=None, limit=PAGE_SIZE, cursor=cursor, fields=None)
    page = queries.list_exchange_rates(principal, params)
    more = {"cursor": page.next_cursor, **({"currency": currency} if currency else {})}
    return {
        "page": page,
        "currency_filter": currency,
        "more_query": urlencode(more) if page.next_cursor else "",
        "base": queries.base_currency(principal.workspace_id),
        "can_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
    }


def _page(request: HttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    principal = page_principal(request)
    rates = _rates(principal, request)
    base = rates["base"]
    context = {
        **rates,
        "base_name": currency_name(base),
        "rated_currencies": queries.rated_currencies(principal),
        "rate_form": forms.get("rate_form") or RateForm(base=base),
        "base_form": forms.get("base_form") or BaseCurrencyForm(initial={"currency": base}),
        "import_form": forms.get("import_form") or ImportForm(),
        "import_problems": forms.get("import_problems", []),
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_import": can(principal, "import", OBJECT_TYPE),
        "can_change_base": can(principal, "edit", "workspace"),
        "is_first_page": not request.GET.get("cursor"),
    }
    return render_settings(request, PAGE, context, status)


@require_GET
@member_required
def currencies_page(request: HttpRequest) -> HttpResponse:
    require(page_principal(request), "view", OBJECT_TYPE)
    return _page(request)


@require_GET
@member_required
def rate_rows(request: HttpRequest) -> HttpResponse:
    """The next rows of the table and their "Load more" (htmx)."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    return render_partial(request, f"{PAGE}#rate_rows", _rates(principal, request))


@require_POST
@member_required
def rate_create(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    base = queries.base_currency(principal.workspace_id)
    form = RateForm(request.POST, base=base)
    if not form.is_valid():
        require(principal, "create", OBJECT_TYPE)
        return _page(request, 422, rate_form=form)
    try:
        rate = services.create_exchange_rate(principal, **form.cleaned_data)
    except Invalid as exc:
        add_service_errors(form, exc)
        return _page(request, 422, rate_form=form)
    except Conflict as exc:
        form.add_error("rate_on", exc.detail)
        return _page(request, 409, rate_form=form)
    messages.success(request, f"Rate of {rate.currency} from {rate.rate_on:%d %b %Y} added.")
    return redirect(URL)


def _posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _initial(rate: ExchangeRate) -> dict[str, Any]:
    return {"currency": rate.currency, "rate_on": rate.rate_on, "rate": decimal_text(rate.rate)}


@require_http_methods(["GET", "POST"])
@member_required
def rate_edit(request: HttpRequest, rate_id: int) -> HttpResponse:
    """Change a rate; read-only for roles that may not edit."""
    principal = page_principal(request)
    rate = queries.get_exchange_rate(principal, rate_id)
    base = queries.base_currency(principal.workspace_id)
    form = RateForm(request.POST or None, base=base, initial=_initial(rate))
    status = 200
    if request.method == "POST":
        status = 422
        try:
            if form.is_valid():
                services.update_exchange_rate(
                    principal, rate_id, dict(form.cleaned_data), _posted_version(request)
                )
                messages.success(request, f"Rate of {form.cleaned_data['currency']} saved.")
                return redirect(URL)
        except Invalid as exc:
            add_service_errors(form, exc)
        except Conflict as exc:
            form.add_error("rate_on", exc.detail)
            status = 409
        except PreconditionFailed:
            form.add_error(None, STALE)
            status = 409
    context = {"rate": rate, "form": form, "base": base, **_rights(principal, rate)}
    return render_settings(request, "currencies/rate.html", context, status)


def _rights(principal: Principal, rate: ExchangeRate) -> dict[str, bool]:
    return {
        "can_edit": can(principal, "edit", OBJECT_TYPE, rate),
        "can_delete": can(principal, "delete", OBJECT_TYPE, rate),
    }


@require_POST
@member_required
def rate_delete(request: HttpRequest, rate_id: int) -> HttpResponse:
    """Delete (the button asks first); a rate changed since the page was drawn is kept."""
    principal = page_principal(request)
    rate = queries.get_exchange_rate(principal, rate_id)
    try:
        services.delete_exchange_rate(principal, rate_id, _posted_version(request))
    except PreconditionFailed:
        messages.error(request, f"{STALE} The rate of {rate.currency} was not deleted.")
        return redirect(f"{URL}/rates/{rate_id}")
    messages.success(request, f"Rate of {rate.currency} from {rate.rate_on:%d %b %Y} deleted.")
    return redirect(URL)


@require_POST
@member_required
def base_change(request: HttpRequest) -> HttpResponse:
    """Step 1 checks the choice and asks for confirmation; step 2 (`confirm`) changes it."""
    principal = page_principal(request)
    require(principal, "edit", "workspace")
    form = BaseCurrencyForm(request.POST)
    try:
        if not form.is_valid():
            return _page(request, 422, base_form=form)
        code = services.check_base_currency(principal, form.cleaned_data["currency"])
        if request.POST.get("confirm") != "yes":
            return _confirm_base(request, principal, code)
        change = services.change_base_currency(principal, code)
    except Invalid as exc:
        add_service_errors(form, exc)
        return _page(request, 422, base_form=form)
    if change.previous != change.base:
        messages.success(
            request,
            f"The base currency is now {change.base}; {change.rebased} rates were restated in it.",
        )
    return redirect(URL)


def _confirm_base(request: HttpRequest, principal: Principal, code: str) -> HttpResponse:
    base = queries.base_currency(principal.workspace_id)
    if code == base:
        return redirect(URL)
    counts = queries.rate_counts(principal)
    context = {
        "base": base,
        "code": code,
        "code_name": currency_name(code),
        "own_rates": counts.get(code, 0),
        "other_rates": sum(counts.values()) - counts.get(code, 0),
    }
    return render_settings(request, "currencies/base_confirm.html", context)


@require_POST
@member_required
def rate_import(request: HttpRequest) -> HttpResponse:
    """Import a CSV file: all its rows, or none and every bad row's problem."""
    principal = page_principal(request)
    require(principal, "import", OBJECT_TYPE)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _page(request, 422, import_form=form)
    try:
        result = services.import_exchange_rates(principal, form.cleaned_data["file"])
    except Invalid as exc:
        problems = [_row_problem(e.loc, e.msg) for e in exc.errors if e.loc[:1] == ("rows",)]
        if problems:
            form.add_error(None, exc.detail)
        else:
            add_service_errors(form, exc, {"csv": "file"})
        return _page(request, 422, import_form=form, import_problems=problems)
    except Conflict as exc:
        form.add_error("file", exc.detail)
        return _page(request, 409, import_form=form)
    messages.success(
        request,
        f"Imported the file: {result.created} new rates, {result.updated} changed, "
        f"{result.unchanged} already as in the file.",
    )
    return redirect(URL)


def _row_problem(loc: tuple[str | int, ...], msg: str) -> str:
    column = f", {loc[2]}" if len(loc) > 2 else ""
    return f"Row {loc[1]}{column}: {msg}"
