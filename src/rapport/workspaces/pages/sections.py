"""The Settings sub-navigation: its sections, who may see each, and rendering a Settings page.

A section is shown to roles that may view what it manages; the server still checks every read
and write (the services and queries raise Forbidden), so hiding a link is a courtesy, not a
rule.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.workspaces.roles import RECORD_TYPES


def _viewer_of(object_type: str) -> Callable[[Principal], bool]:
    return lambda principal: can(principal, "view", object_type)


def _has_tokens(principal: Principal) -> bool:
    return principal.user_id is not None  # tokens are personal: every member has this page


def _is_user(principal: Principal) -> bool:
    return principal.user_id is not None  # personal choices: every member has this page


def _may_restore(principal: Principal) -> bool:
    return any(can(principal, "delete", object_type) for object_type in RECORD_TYPES)


@dataclass(frozen=True)
class Section:
    label: str
    url: str
    icon: str  # a heroicons outline name
    is_shown: Callable[[Principal], bool]


SECTIONS: tuple[Section, ...] = (
    Section("Workspace", "/settings/workspace", "building-office", _viewer_of("workspace")),
    Section("Users", "/settings/users", "users", _viewer_of("user")),
    Section("Roles", "/settings/roles", "shield-check", _viewer_of("role")),
    Section("Teams", "/settings/teams", "user-group", _viewer_of("team")),
    Section(
        "Custom fields",
        "/settings/custom-fields",
        "adjustments-horizontal",
        _viewer_of("custom_field"),
    ),
    Section("Tags", "/settings/tags", "tag", _viewer_of("tag")),
    Section("Pipelines", "/settings/pipelines", "funnel", _viewer_of("pipeline")),
    Section("Products", "/settings/products", "cube", _viewer_of("product")),
    Section("Territories", "/settings/territories", "map", _viewer_of("territory")),
    Section("Quotas", "/settings/quotas", "flag", _viewer_of("quota")),
    Section(
        "Commission plans",
        "/settings/commission-plans",
        "banknotes",
        _viewer_of("commission_plan"),
    ),
    Section("Currencies", "/settings/currencies", "currency-dollar", _viewer_of("exchange_rate")),
    Section(
        "Email templates", "/settings/email-templates", "envelope", _viewer_of("email_template")
    ),
    Section(
        "Canned responses",
        "/settings/canned-responses",
        "chat-bubble-bottom-center-text",
        _viewer_of("canned_response"),
    ),
    Section("Macros", "/settings/macros", "bolt", _viewer_of("macro")),
    Section("API tokens", "/settings/tokens", "key", _has_tokens),
    Section("Notifications", "/settings/notifications", "bell", _is_user),
    Section("Audit log", "/settings/audit", "clipboard-document-list", _viewer_of("audit")),
    Section("Restore bin", "/settings/restore-bin", "trash", _may_restore),
)


def sections_for(principal: Principal) -> list[Section]:
    return [section for section in SECTIONS if section.is_shown(principal)]


def render_settings(
    request: HttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    """A Settings page inside the shell, with the sub-navigation this principal may use."""
    sections = sections_for(page_principal(request))
    path = request.path
    current = next((s.url for s in sections if path == s.url or path.startswith(s.url + "/")), None)
    full = {"settings_sections": sections, "settings_current": current, **context}
    return render(request, template, full, status=status)
