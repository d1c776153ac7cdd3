"""Marking a member away: yourself (the form on Settings > Notifications) or, with the right
to edit users, anyone on Settings > Users. Round-robin and fewest-open assignment skip away
members until the day after their away date."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from rapport.core.errors import Invalid
from rapport.core.pages import page_principal
from rapport.workspaces import services
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.forms import AwayForm

OWN_PAGE = "/settings/notifications"
USERS_PAGE = "/settings/users"


def _set_away(request: HttpRequest, user_id: int, back_to: str) -> HttpResponse:
    principal = page_principal(request)
    form = AwayForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Nothing was changed: enter a date like 2026-08-31.")
        return redirect(back_to)
    away_until = None if "back" in request.POST else form.cleaned_data["away_until"]
    try:
        seat = services.set_member_away(principal, user_id, away_until)
    except Invalid as exc:
        messages.error(request, f"Nothing was changed: {exc.detail}")
        return redirect(back_to)
    who = "You are" if user_id == principal.user_id else f"{seat.user} is"
    if seat.away_until is None:
        messages.success(request, f"{who} no longer away.")
    else:
        when = f"{seat.away_until:%Y-%m-%d}"
        messages.success(request, f"{who} away until {when}: assignment in turn skips them.")
    return redirect(back_to)


@require_POST
@member_required
def my_away(request: HttpRequest) -> HttpResponse:
    """Mark yourself away through a day, or back (`back`)."""
    return _set_away(request, page_principal(request).user_id or 0, OWN_PAGE)


@require_POST
@member_required
def member_away(request: HttpRequest, user_id: int) -> HttpResponse:
    """An admin marks a member away through a day, or back (`back`)."""
    return _set_away(request, user_id, f"{USERS_PAGE}#member-{user_id}")
