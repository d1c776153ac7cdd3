"""A deal's Quotes panel (list, create, revise, send), a quote's page and its PDF.

The deal's page loads the panel with htmx (`/quotes/panel?deal=<id>`) like its timeline, so the
deals app knows nothing of quotes. Each form of the panel posts here and gets the panel back,
with the error in place and what was typed kept (422), or the updated list.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import Conflict, Invalid, NotFound
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.deals.queries import get_deal, line_items_of
from rapport.quotes import queries, services
from rapport.quotes.offers import primary_contact
from rapport.quotes.pdf import render_pdf
from rapport.quotes.services.emails import pdf_filename, quote_link
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace

PANEL = "quotes/_panel.html"


def _zone(principal: Principal) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(find_workspace(principal).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _panel(
    request: HttpRequest, principal: Principal, deal_id: int, status: int = 200, **extra: Any
) -> HttpResponse:
    deal = get_deal(principal, deal_id)
    contact = primary_contact(principal, deal)
    today = timezone.now().astimezone(_zone(principal)).date()
    context = {
        "deal": deal,
        "quotes": queries.quotes_of_deal(principal, deal.pk),
        "can_edit": can(principal, "edit", "deal", deal),
        "has_lines": bool(line_items_of(deal)),
        "default_to": contact.primary_email if contact else "",
        "default_valid_until": (today + dt.timedelta(days=30)).isoformat(),
        "problems": [],
        "typed": None,
        **extra,
    }
    with timezone.override(_zone(principal)):
        return render(request, PANEL, context, status=status)


@require_GET
@member_required
def quote_panel(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("deal", "")
    if not raw.isdigit():
        raise NotFound("deal not found")
    return _panel(request, page_principal(request), int(raw))


def _write(
    request: HttpRequest, deal_id: int, form: str, write: Any, quote_id: int | None = None
) -> HttpResponse:
    """Run a panel form's write; the panel again, with the problem and the typed values."""
    principal = page_principal(request)
    try:
        write(principal)
    except (Invalid, Conflict) as exc:
        problems = [e.msg for e in exc.errors] or [exc.detail]
        status = 422 if isinstance(exc, Invalid) else 409
        return _panel(
            request,
            principal,
            deal_id,
            status,
            problems=problems,
            typed=request.POST,
            form=form,
            form_quote=quote_id,
        )
    return _panel(request, principal, deal_id)


@require_POST
@member_required
def quote_create(request: HttpRequest, deal_id: int) -> HttpResponse:
    data = {
        "valid_until": request.POST.get("valid_until", ""),
        "terms": request.POST.get("terms", ""),
    }
    return _write(request, deal_id, "create", lambda p: services.create_quote(p, deal_id, data))


@require_POST
@member_required
def quote_revise(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = queries.get_quote(page_principal(request), quote_id)
    data = {"valid_until": request.POST.get("valid_until", "")}
    return _write(
        request,
        quote.deal_id,
        "revise",
        lambda p: services.revise_quote(p, quote.pk, data),
        quote.pk,
    )


@require_POST
@member_required
def quote_send(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = queries.get_quote(page_principal(request), quote_id)
    to, message = request.POST.get("to", ""), request.POST.get("message", "")
    return _write(
        request,
        quote.deal_id,
        "send",
        lambda p: services.send_quote(p, quote.pk, to, message),
        quote.pk,
    )


@require_GET
@member_required
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote as the customer sees it, with its status, answer and versions."""
    principal = page_principal(request)
    quote = queries.get_quote(principal, quote_id)
    can_edit = can(principal, "edit", "deal", quote.deal)
    versions = [
        q for q in queries.quotes_of_deal(principal, quote.deal_id) if q.number == quote.number
    ]
    context = {
        "quote": quote,
        "offer": quote.offer,
        "deal": quote.deal,
        "versions": versions,
        "link": quote_link(quote) if can_edit and quote.status == "sent" else "",
    }
    with timezone.override(_zone(principal)):
        return render(request, "quotes/detail.html", context)


@require_GET
@member_required
def quote_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    principal = page_principal(request)
    quote = queries.get_quote(principal, quote_id)
    response = HttpResponse(
        render_pdf(quote, str(_zone(principal))), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{pdf_filename(quote)}"'
    return response
