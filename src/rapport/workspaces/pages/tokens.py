"""Settings > API tokens: your personal tokens; a new token's secret is shown once, then never.

The page that shows the secret is the answer to the POST itself (not a redirect), so the secret
is never stored in the session or a message, and it is marked no-store for caches.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Invalid
from rapport.core.pages import add_service_errors, page_principal
from rapport.workspaces import queries, services
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.forms import TokenForm
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/tokens"


def _page(request: HttpRequest, form: TokenForm, raw: str = "", status: int = 200) -> HttpResponse:
    principal = page_principal(request)
    context = {
        "tokens": queries.list_own_tokens(principal),
        "form": form,
        "raw_token": raw,
        "time_zone": queries.find_workspace(principal).time_zone,
    }
    return render_settings(request, "settings/tokens.html", context, status)


@never_cache
@require_http_methods(["GET", "POST"])
@member_required
def token_list(request: HttpRequest) -> HttpResponse:
    """Your tokens, and the form that creates one (POST answers with the secret, once)."""
    if request.method != "POST":
        return _page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=422)
    try:
        token, raw = services.create_api_token(
            page_principal(request), form.cleaned_data["name"], form.cleaned_data["can_write"]
        )
    except Invalid as exc:
        add_service_errors(form, exc)
        return _page(request, form, status=422)
    messages.success(request, f"Token {token.name} created. Copy it now: it is shown only once.")
    return _page(request, TokenForm(), raw, status=201)


@require_POST
@member_required
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    token = services.revoke_api_token(page_principal(request), token_id)
    messages.success(request, f"Token {token.name} revoked; requests with it are refused now.")
    return redirect(URL)
