"""Page plumbing every app's views share: service errors on forms, navigation, htmx answers.

Views stay thin: a form parses, one service or query decides, a template shows the result.
Domain errors raised in a view become the product's error pages (core.middleware), so views
catch only the errors they can show in place (Invalid on a form, a stale version on an edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.apps import apps
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.errors import Invalid, Unauthenticated
from rapport.core.permissions import Principal


@dataclass(frozen=True)
class NavItem:
    """One entry of the main navigation, declared by an app as `nav_items` on its AppConfig."""

    label: str
    url: str
    icon: str  # a heroicons outline name
    object_type: str  # shown only to roles that may view this object type
    order: int = 100


def nav_items(principal: Principal) -> list[NavItem]:
    """The navigation this principal may use, gathered from every installed app, in order."""
    items = [
        item
        for config in apps.get_app_configs()
        for item in getattr(config, "nav_items", ())
        if principal.scope_for("view", item.object_type) is not None
    ]
    return sorted(items, key=lambda item: (item.order, item.label))


def add_service_errors(
    form: forms.Form, error: Invalid, names: dict[str, str] | None = None
) -> None:
    """Show a service's field errors on the form's fields (or above the form).

    `names` maps a service field name to the form's when they differ ("custom.score" ->
    "cf_score"); an error on a field the form does not show goes above the form.
    """
    mapping = names or {}
    for item in error.errors or []:
        parts = [str(part) for part in item.loc]
        candidates = [mapping.get(c, c) for c in (".".join(parts[:2]), parts[0])] if parts else []
        form.add_error(next((c for c in candidates if c in form.fields), None), item.msg)
    if not error.errors:
        form.add_error(None, error.detail)


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def render_partial(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A fragment for htmx to swap in; `template` may name a partial (`page.html#row`)."""
    return render(request, template, context, status=status)


def page_principal(request: HttpRequest) -> Principal:
    """The Principal `member_required` attached to the request (typed, for views)."""
    principal = getattr(request, "principal", None)
    if not isinstance(principal, Principal):
        raise Unauthenticated("Sign in to see this page.")
    return principal
