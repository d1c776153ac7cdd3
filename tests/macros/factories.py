"""Canned responses and macros for tests."""

from __future__ import annotations

from typing import Any

from rapport.core.permissions import Principal
from rapport.macros.models import CannedResponse, Macro
from rapport.macros.services import create_canned_response, create_macro

GREETING = '<p>Hi {{ requester.first_name or "there" }}, about #{{ ticket.number }}.</p>'


def make_canned(principal: Principal, **overrides: Any) -> CannedResponse:
    fields: dict[str, Any] = {"title": "Greeting", "body": GREETING, "is_shared": True}
    return create_canned_response(principal, **(fields | overrides))


def make_macro(principal: Principal, actions: dict[str, Any] | None = None, **fields: Any) -> Macro:
    default = {"status": "pending", "add_tags": ["waiting"]}
    data: dict[str, Any] = {"title": "Waiting on customer", "actions": actions or default}
    return create_macro(principal, **(data | fields))
