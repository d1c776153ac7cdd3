"""Settings > Canned responses and Settings > Macros: lists, editors and deletes.

Thin: forms.py turns a post into the services' input, the services decide, and a refused save
comes back with every message on its input and what was typed kept (status 422).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid, PreconditionFailed
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can, require
from rapport.macros import forms, queries, services
from rapport.macros.merge_fields import merge_field_help
from rapport.macros.models import CannedResponse, Macro
from rapport.tickets.models import PRIORITIES, STATUSES, TYPES
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import list_teams, member_labels

CANNED_URL = "/settings/canned-responses"
MACROS_URL = "/settings/macros"
PAGE_SIZE = 100
STATUS_LABELS = {"pending": "Pending customer", "on_hold": "On hold"}


def _label(value: str) -> str:
    return STATUS_LABELS.get(value, value.replace("_", " ").capitalize())


def _version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() and len(raw) < 10 else None


def _page(principal: Principal, request: HttpRequest, lister: Any) -> Any:
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort="title", limit=PAGE_SIZE, cursor=cursor, fields=None)
    return lister(principal, params)


# --- Canned responses ---------------------------------------------------------------------------


@require_GET
@member_required
def canned_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", queries.CANNED_TYPE)
    context = {
        "page": _page(principal, request, queries.list_canned_responses),
        "is_first_page": not request.GET.get("cursor"),
        "members": member_labels(principal),
    }
    return render_settings(request, "macros/canned_responses.html", context)


def _may_edit_canned(principal: Principal, response: CannedResponse | None) -> bool:
    if response is None:
        return True  # anyone who sees the page may keep personal responses
    if response.is_shared:
        return can(principal, "edit", queries.CANNED_TYPE)
    return response.owner_id == principal.user_id


def _canned_editor(
    request: HttpRequest,
    response: CannedResponse | None,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    context = {
        "response": response,
        "values": values,
        "errors": errors or {},
        "can_save": _may_edit_canned(principal, response),
        "can_share": can(principal, "create", queries.CANNED_TYPE),
        "can_delete": response is not None
        and (
            can(principal, "delete", queries.CANNED_TYPE)
            if response.is_shared
            else response.owner_id == principal.user_id
        ),
        "merge_fields": merge_field_help(),
    }
    return render_settings(request, "macros/canned_response.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def canned_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", queries.CANNED_TYPE)
    if request.method != "POST":
        shared = can(principal, "create", queries.CANNED_TYPE)
        return _canned_editor(request, None, {"is_shared": shared})
    data = forms.canned_input(request.POST)
    try:
        response = services.create_canned_response(principal, **data)
    except Invalid as exc:
        return _canned_editor(request, None, data, forms.error_map(exc), 422)
    messages.success(request, f"Canned response {response.title} created.")
    return redirect(CANNED_URL)


@require_http_methods(["GET", "POST"])
@member_required
def canned_edit(request: HttpRequest, response_id: int) -> HttpResponse:
    principal = page_principal(request)
    response = queries.get_canned_response(principal, response_id)
    if request.method != "POST":
        values = {"title": response.title, "body": response.body, "is_shared": response.is_shared}
        return _canned_editor(request, response, values)
    data = forms.canned_input(request.POST)
    try:
        services.update_canned_response(principal, response_id, data, _version(request))
    except Invalid as exc:
        return _canned_editor(request, response, data, forms.error_map(exc), 422)
    except PreconditionFailed:
        problem = {"form": ["Someone changed this response meanwhile; reload it and try again."]}
        return _canned_editor(request, response, data, problem, 409)
    messages.success(request, f"Canned response {data['title'].strip()} saved.")
    return redirect(CANNED_URL)


@require_POST
@member_required
def canned_delete(request: HttpRequest, response_id: int) -> HttpResponse:
    principal = page_principal(request)
    response = queries.get_canned_response(principal, response_id)
    services.delete_canned_response(principal, response_id)
    messages.success(request, f"Canned response {response.title} deleted.")
    return redirect(CANNED_URL)


# --- Macros -------------------------------------------------------------------------------------


@require_GET
@member_required
def macro_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", queries.MACRO_TYPE)
    context = {
        "page": _page(principal, request, queries.list_macros),
        "is_first_page": not request.GET.get("cursor"),
        "can_create": can(principal, "create", queries.MACRO_TYPE),
    }
    return render_settings(request, "macros/macros.html", context)


def _choices(principal: Principal) -> dict[str, Any]:
    shared = [r for r in queries.canned_choices(principal) if r.is_shared]
    return {
        "statuses": [(s, _label(s)) for s in STATUSES if s != "new"],
        "priorities": [(p, _label(p)) for p in PRIORITIES],
        "types": [(t, _label(t)) for t in TYPES],
        "teams": [(str(team.pk), team.name) for team in list_teams(principal)],
        "members": [(str(pk), label) for pk, label in member_labels(principal, True).items()],
        "canned": [(str(r.pk), r.title) for r in shared],
    }


def _macro_editor(
    request: HttpRequest,
    macro: Macro | None,
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    context = {
        "macro": macro,
        "values": values,
        "errors": errors or {},
        "can_save": can(principal, "edit" if macro else "create", queries.MACRO_TYPE),
        "can_delete": macro is not None and can(principal, "delete", queries.MACRO_TYPE),
        "merge_fields": merge_field_help(),
        **_choices(principal),
    }
    return render_settings(request, "macros/macro.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def macro_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", queries.MACRO_TYPE)
    if request.method != "POST":
        return _macro_editor(request, None, {})
    try:
        macro = services.create_macro(principal, **forms.macro_input(request.POST))
    except Invalid as exc:
        values = forms.posted_values(request.POST)
        return _macro_editor(request, None, values, forms.error_map(exc), 422)
    messages.success(request, f"Macro {macro.title} created.")
    return redirect(MACROS_URL)


@require_http_methods(["GET", "POST"])
@member_required
def macro_edit(request: HttpRequest, macro_id: int) -> HttpResponse:
    principal = page_principal(request)
    macro = queries.get_macro(principal, macro_id)
    if request.method != "POST":
        values = forms.macro_values(macro.title, macro.description, macro.actions)
        return _macro_editor(request, macro, values)
    data = forms.macro_input(request.POST)
    values = forms.posted_values(request.POST)
    try:
        services.update_macro(principal, macro_id, data, _version(request))
    except Invalid as exc:
        return _macro_editor(request, macro, values, forms.error_map(exc), 422)
    except PreconditionFailed:
        problem = {"form": ["Someone changed this macro meanwhile; reload it and try again."]}
        return _macro_editor(request, macro, values, problem, 409)
    messages.success(request, f"Macro {data['title'].strip()} saved.")
    return redirect(MACROS_URL)


@require_POST
@member_required
def macro_delete(request: HttpRequest, macro_id: int) -> HttpResponse:
    principal = page_principal(request)
    macro = queries.get_macro(principal, macro_id)
    services.delete_macro(principal, macro_id)
    messages.success(request, f"Macro {macro.title} deleted.")
    return redirect(MACROS_URL)
