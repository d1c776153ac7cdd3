"""The customer's page behind a quote's signed link, `/q/<token>`: no sign-in.

It shows the quote (its frozen copy only: nothing internal) with an Accept and a Decline form
(a name is required; CSRF applies as on every form). A link that is tampered with, or whose
quote is a draft or belongs to a deal in the restore bin, is a 404; one whose quote was
superseded, answered or has expired is a 410 saying so. Requests are counted per address
(LINK_REQUESTS_PER_MINUTE), so the links cannot be guessed at speed.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rapport.core import ratelimit
from rapport.core.errors import Invalid
from rapport.quotes import services
from rapport.quotes.services import LinkState
from rapport.workspaces.models import Workspace

LINK_REQUESTS_PER_MINUTE = 30
CLOSED_STATUS = {"invalid": 404}  # every other reason: 410 Gone
DECISIONS = {"accept": "accepted", "decline": "declined"}


def _render(request: HttpRequest, template: str, status: int, **context: Any) -> HttpResponse:
    quote = context.get("quote")
    zone = "UTC"
    if quote is not None:
        zone = Workspace.objects.get(pk=quote.workspace_id).time_zone
    with timezone.override(zoneinfo.ZoneInfo(zone)):
        response = render(request, f"quotes/{template}", context, status=status)
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token is in the address: "same-origin" (Django's default policy) never sends it to
    # another site, and unlike "no-referrer" keeps the Origin header the CSRF check reads.
    response["Referrer-Policy"] = "same-origin"
    return response


def _closed(request: HttpRequest, state: LinkState) -> HttpResponse:
    status = CLOSED_STATUS.get(state.reason, 410)
    return _render(request, "link_closed.html", status, quote=state.quote, reason=state.reason)


def _answer(request: HttpRequest, token: str, address: str | None) -> HttpResponse:
    action = request.POST.get("action", "")
    data = {name: request.POST.get(name, "") for name in ("name", "email", "comment")}
    decide = services.accept_quote if action == "accept" else services.decline_quote
    try:
        if action not in DECISIONS:
            raise Invalid.on("action", "Choose Accept or Decline.")
        state = decide(token, data, address)
    except Invalid as exc:
        state = services.find_quote_by_link(token)
        if not state.is_open:
            return _closed(request, state)
        errors = {str(e.loc[0]): e.msg for e in exc.errors if e.loc}
        return _render(
            request,
            "public.html",
            422,
            quote=state.quote,
            offer=state.quote.offer,  # type: ignore[union-attr]
            errors=errors,
            typed=data,
            action=action,
        )
    if state.quote is not None and state.reason == DECISIONS[action]:
        return _render(
            request, "link_answered.html", 200, quote=state.quote, offer=state.quote.offer
        )
    return _closed(request, state)


@require_http_methods(["GET", "POST"])
def quote_link_page(request: HttpRequest, token: str) -> HttpResponse:
    address = request.META.get("REMOTE_ADDR") or None
    wait = ratelimit.hit(f"quote-link:{address}", LINK_REQUESTS_PER_MINUTE, 60)
    if wait is not None:
        response = _render(request, "link_closed.html", 429, reason="busy")
        response["Retry-After"] = str(wait)
        return response
    if request.method == "POST":
        return _answer(request, token, address)
    state = services.find_quote_by_link(token)
    if not state.is_open or state.quote is None:
        return _closed(request, state)
    return _render(
        request,
        "public.html",
        200,
        quote=state.quote,
        offer=state.quote.offer,
        errors={},
        typed=None,
        action="",
    )
