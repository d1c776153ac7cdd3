"""Writes about a workspace's profile: its name and the regional defaults records fall back on.

The time zone shows dates on pages and the country reads phone numbers written without a country
code. The base currency (`default_currency`; it also fills a company's revenue currency when none
is given) is shown with the profile but changed only by
`rapport.currencies.services.change_base_currency`, which restates the exchange rates with it.
"""

from __future__ import annotations

import zoneinfo
from typing import Any

import phonenumbers
from django.db import transaction

from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Workspace

PROFILE_FIELDS = ("name", "time_zone", "default_country")
BASE_CURRENCY_ELSEWHERE = (
    "Change the base currency under Settings → Currencies: its exchange rates change with it."
)


def profile_of(workspace: Workspace) -> dict[str, str]:
    return {name: getattr(workspace, name) for name in PROFILE_FIELDS}


def _currency_problem(workspace: Workspace, changes: dict[str, Any]) -> list[FieldError]:
    """`default_currency` may be sent as it is (a round trip of the profile), not changed."""
    if "default_currency" not in changes:
        return []
    if str(changes["default_currency"] or "").strip().upper() == workspace.default_currency:
        return []
    return [FieldError(("default_currency",), BASE_CURRENCY_ELSEWHERE)]


def _is_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name)


def _clean_one(name: str, raw: Any) -> tuple[Any, str | None]:
    """The stored value of one profile field, or the message saying what is wrong."""
    value = str(raw or "").strip()
    if name == "name" and not 0 < len(value) <= 200:
        return value, "A workspace name has 1 to 200 characters."
    if name == "time_zone" and not _is_time_zone(value):
        return value, "Choose a time zone such as Europe/Berlin."
    if name == "default_country":
        value = value.upper()
        if value not in phonenumbers.SUPPORTED_REGIONS:
            return value, "Use a two-letter country code, e.g. DE."
    return value, None


@transaction.atomic
def update_workspace(principal: Principal, changes: dict[str, Any]) -> Workspace:
    """Change the workspace's name and regional defaults; every bad field is reported at once."""
    require(principal, "edit", "workspace")
    workspace = Workspace.objects.select_for_update().get(pk=principal.workspace_id)
    problems = [
        FieldError((name,), "This cannot be changed here.")
        for name in sorted(set(changes) - set(PROFILE_FIELDS) - {"default_currency"})
    ]
    cleaned: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name in changes:
            cleaned[name], message = _clean_one(name, changes[name])
            if message:
                problems.append(FieldError((name,), message))
    problems += _currency_problem(workspace, changes)
    if problems:
        raise Invalid(problems[0].msg, problems)
    before = profile_of(workspace)
    for name, value in cleaned.items():
        setattr(workspace, name, value)
    changed = diff(before, profile_of(workspace))
    if changed:
        workspace.save(update_fields=list(changed))
        record_change(principal, "update", "workspace", workspace, changed)
    return workspace
