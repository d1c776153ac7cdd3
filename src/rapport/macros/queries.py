"""Reads about canned responses and macros, and `reply_context`: the data a response merges.

Canned responses are seen through the right to view them, and then by sharing: the shared ones
of the workspace plus the principal's own personal ones (never another member's). Macros are a
workspace setting read through `visible`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, can, visible
from rapport.macros.models import CannedResponse, Macro
from rapport.tickets.models import Ticket
from rapport.workspaces.models import User, Workspace

CANNED_TYPE = "canned_response"
MACRO_TYPE = "macro"
CANNED_FILTERS = {
    "title": FilterField("title"),
    "is_shared": FilterField("is_shared", "boolean"),
    "owner_id": FilterField("owner_id", "id"),
    "updated_at": FilterField("updated_at", "datetime"),
}
MACRO_FILTERS = {"title": FilterField("title"), "updated_at": FilterField("updated_at", "datetime")}
SORTS = {"title", "created_at", "updated_at", "id"}
PICKER_SIZE = 100  # responses and macros a ticket's composer offers


def visible_canned_responses(principal: Principal) -> QuerySet[CannedResponse]:
    qs = visible(principal, CannedResponse.objects.all(), CANNED_TYPE)
    own = Q(is_shared=False, owner_id=principal.user_id) if principal.user_id else Q(pk__in=[])
    return qs.filter(Q(is_shared=True) | own)


def list_canned_responses(principal: Principal, params: ListParams) -> Page[CannedResponse]:
    qs = visible_canned_responses(principal).filter(filters_q(CANNED_FILTERS, params.filter))
    keys = parse_sort(params.sort, SORTS, "title")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_canned_response(principal: Principal, response_id: int) -> CannedResponse:
    response = visible_canned_responses(principal).filter(pk=response_id).first()
    if response is None:
        raise NotFound("canned response not found")
    return response


def canned_choices(principal: Principal) -> list[CannedResponse]:
    """The responses a composer offers: the principal's own first, then the shared, by title."""
    qs = visible_canned_responses(principal).order_by("is_shared", "title", "pk")
    return list(qs.only("pk", "title", "is_shared")[:PICKER_SIZE])


def visible_macros(principal: Principal) -> QuerySet[Macro]:
    return visible(principal, Macro.objects.all(), MACRO_TYPE)


def list_macros(principal: Principal, params: ListParams) -> Page[Macro]:
    qs = visible_macros(principal).filter(filters_q(MACRO_FILTERS, params.filter))
    keys = parse_sort(params.sort, SORTS, "title")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_macro(principal: Principal, macro_id: int) -> Macro:
    macro = visible_macros(principal).filter(pk=macro_id).first()
    if macro is None:
        raise NotFound("macro not found")
    return macro


def macro_choices(principal: Principal) -> list[Macro]:
    return list(visible_macros(principal).order_by("title", "pk")[:PICKER_SIZE])


# --- Merge data ---------------------------------------------------------------------------------


def _label(value: str) -> str:
    return value.replace("_", " ").capitalize()


def reply_context(principal: Principal, ticket: Ticket) -> dict[str, Any]:
    """The merge data of a reply on `ticket` by the principal: plain dicts, only what they may
    view (a requester or company they may not view renders empty)."""
    context: dict[str, Any] = {
        "ticket": {
            "number": ticket.number,
            "subject": ticket.subject,
            "status": "Pending customer" if ticket.status == "pending" else _label(ticket.status),
            "priority": _label(ticket.priority),
            "type": _label(ticket.type),
        },
        "workspace": {
            "name": Workspace.objects.filter(pk=principal.workspace_id)
            .values_list("name", flat=True)
            .first()
            or ""
        },
    }
    requester = ticket.requester
    if requester is not None and can(principal, "view", "contact", requester):
        context["requester"] = {
            "first_name": requester.first_name,
            "last_name": requester.last_name,
            "full_name": f"{requester.first_name} {requester.last_name}".strip(),
            "email": requester.primary_email,
        }
    company = ticket.company
    if company is not None and can(principal, "view", "company", company):
        context["company"] = {"name": company.name}
    agent = User.objects.filter(pk=principal.user_id).first() if principal.user_id else None
    if agent is not None:
        parts = agent.full_name.split()
        context["agent"] = {
            "name": agent.full_name or agent.email,
            "first_name": parts[0] if parts else "",
            "email": agent.email,
        }
    return context
