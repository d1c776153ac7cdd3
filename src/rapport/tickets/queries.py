"""Reads about tickets: one ticket, the queues (views) and filtered lists, a conversation, an
attachment, a contact's or company's open tickets, threading lookups and the support settings.

Every read goes through `visible` (workspace, restore bin, the role's scope on the assignee);
lists are keyset pages with a capped total and load their related rows up front.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models
from django.db.models import Prefetch, Q

from rapport.companies.queries import record_page
from rapport.core.api_support import ListParams
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.filters import FilterField
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField
from rapport.tickets.models import (
    OPEN_STATUSES,
    Ticket,
    TicketAttachment,
    TicketMessage,
    TicketSettings,
)
from rapport.workspaces.models import Team

OBJECT_TYPE = "ticket"
FILTERS = {
    "number": FilterField("number", "integer"),
    "subject": FilterField("subject"),
    "status": FilterField("status", "choice"),
    "priority": FilterField("priority", "choice"),
    "type": FilterField("type", "choice"),
    "channel": FilterField("channel", "choice"),
    "assignee_id": FilterField("assignee_id", "id"),
    "team_id": FilterField("team_id", "id"),
    "requester_id": FilterField("requester_id", "id"),
    "company_id": FilterField("company_id", "id"),
    "tags": FilterField("tags__name", many=True),
    "tag_id": FilterField("tags__id", "id", many=True),
    "id": FilterField("id", "id"),
    "merged_into_id": FilterField("merged_into_id", "id"),
    "first_response_at": FilterField("first_response_at", "datetime"),
    "solved_at": FilterField("solved_at", "datetime"),
    "closed_at": FilterField("closed_at", "datetime"),
    "status_changed_at": FilterField("status_changed_at", "datetime"),
    "last_customer_message_at": FilterField("last_customer_message_at", "datetime"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {
    "number", "subject", "status", "priority", "status_changed_at", "last_customer_message_at",
    "created_at", "updated_at", "id",
}  # fmt: skip
# Queues: a name -> (what it holds, its default sort). "unassigned" means in one of my teams.
VIEWS = {
    "my_open": "Open tickets assigned to me",
    "unassigned": "Open, unassigned tickets of my teams",
    "all_open": "Every open ticket",
    "pending": "Tickets waiting on the customer",
    "solved": "Solved tickets (not yet closed)",
    "all": "Every ticket",
}
RELATED = (Prefetch("tags", to_attr="tag_rows"),)
SELECTED = ("requester", "company", "team", "assignee")


def visible_tickets(principal: Principal) -> models.QuerySet[Ticket]:
    return visible(principal, Ticket.objects.all(), OBJECT_TYPE)


def get_ticket(principal: Principal, ticket_id: int) -> Ticket:
    """One visible ticket with its requester, company, team, assignee and tags (`tag_rows`)."""
    ticket = (
        visible_tickets(principal)
        .select_related(*SELECTED)
        .prefetch_related(*RELATED)
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise NotFound("ticket not found")
    return ticket


def find_ticket(principal: Principal, ticket_id: int) -> Ticket | None:
    return visible_tickets(principal).filter(pk=ticket_id).first()


def team_ids_of(principal: Principal) -> list[int]:
    if principal.user_id is None:
        return []
    teams = Team.objects.filter(workspace_id=principal.workspace_id, members=principal.user_id)
    return list(teams.values_list("pk", flat=True))


def view_q(principal: Principal, view: str) -> Q:
    """The filter of a queue."""
    if view not in VIEWS and view != "":
        raise Invalid.on("view", f"Choose one of {', '.join(VIEWS)}.")
    open_q = Q(status__in=OPEN_STATUSES)
    if view == "my_open":
        return open_q & Q(assignee_id=principal.user_id)
    if view == "unassigned":
        return open_q & Q(assignee__isnull=True, team_id__in=team_ids_of(principal))
    if view == "all_open":
        return open_q
    if view in ("pending", "solved"):
        return Q(status=view)
    return Q()


def list_tickets(
    principal: Principal,
    params: ListParams,
    custom_fields: list[CustomField],
    *,
    view: str = "",
) -> Page[Ticket]:
    """A page of the visible tickets of a queue, filtered and sorted, with related rows."""
    qs = visible_tickets(principal).filter(view_q(principal, view))
    qs = qs.select_related(*SELECTED).prefetch_related(*RELATED)
    return record_page(qs, params, FILTERS, SORTS, custom_fields)


def _open_of(principal: Principal, q: Q, limit: int) -> list[Ticket]:
    qs = visible_tickets(principal).filter(q, status__in=OPEN_STATUSES)
    return list(qs.select_related("assignee", "team").order_by("-pk")[:limit])


def open_tickets_of_contact(principal: Principal, contact_id: int, limit: int = 20) -> list[Ticket]:
    """The contact's open tickets, newest first (for the contact's page and a rep's view)."""
    return _open_of(principal, Q(requester_id=contact_id), limit)


def open_tickets_of_company(principal: Principal, company_id: int, limit: int = 20) -> list[Ticket]:
    return _open_of(principal, Q(company_id=company_id), limit)


def messages_of(
    principal: Principal, ticket_id: int, *, include_notes: bool = True
) -> list[TicketMessage]:
    """A visible ticket's conversation, oldest first, with authors and attachments loaded."""
    ticket = find_ticket(principal, ticket_id)
    if ticket is None:
        raise NotFound("ticket not found")
    qs = ticket.messages.select_related("author_user", "author_contact")
    if not include_notes:
        qs = qs.exclude(kind="note")
    attachments = TicketAttachment.objects.order_by("pk")
    qs = qs.prefetch_related(Prefetch("attachments", queryset=attachments, to_attr="files"))
    return list(qs.order_by("created_at", "pk"))


def list_messages(
    principal: Principal,
    ticket_id: int,
    limit: int,
    cursor: str | None,
    *,
    include_notes: bool = True,
) -> Page[TicketMessage]:
    """A keyset page of a visible ticket's conversation, oldest first (authors and attachments
    loaded as in messages_of)."""
    ticket = find_ticket(principal, ticket_id)
    if ticket is None:
        raise NotFound("ticket not found")
    qs = ticket.messages.all()
    if not include_notes:
        qs = qs.exclude(kind="note")
    attachments = TicketAttachment.objects.order_by("pk")
    qs = qs.prefetch_related(Prefetch("attachments", queryset=attachments, to_attr="files"))
    keys = parse_sort("created_at", {"created_at", "id"}, "created_at")
    return keyset_page(qs, keys, limit, cursor)


def get_attachment(principal: Principal, ticket_id: int, attachment_id: int) -> TicketAttachment:
    """An attachment of a ticket the principal may view (NotFound otherwise, any workspace)."""
    attachment = (
        TicketAttachment.objects.filter(
            workspace_id=principal.workspace_id,
            pk=attachment_id,
            message__ticket__in=visible_tickets(principal).filter(pk=ticket_id),
        )
        .select_related("message")
        .first()
    )
    if attachment is None:
        raise NotFound("attachment not found")
    return attachment


def message_is_on(principal: Principal, ticket_id: int, message_id: int) -> bool:
    """True when the message belongs to this ticket, which the principal may view."""
    tickets = visible_tickets(principal).filter(pk=ticket_id)
    return TicketMessage.objects.filter(pk=message_id, ticket__in=tickets).exists()


def find_ticket_by_headers(workspace_id: int, message_ids: Iterable[str]) -> Ticket | None:
    """The live ticket holding a message with one of these Message-IDs (In-Reply-To first,
    then References newest first), following merges to the survivor; for inbound mail."""
    wanted = [m for m in message_ids if m]
    if not wanted:
        return None
    rows = TicketMessage.objects.filter(workspace_id=workspace_id, message_id__in=wanted)
    found = dict(rows.values_list("message_id", "ticket_id"))
    for message_id in wanted:
        if message_id in found:
            return _survivor(workspace_id, found[message_id])
    return None


def _survivor(workspace_id: int, ticket_id: int) -> Ticket | None:
    seen: set[int] = set()
    ticket = Ticket.objects.filter(workspace_id=workspace_id, pk=ticket_id).first()
    while ticket is not None and ticket.merged_into_id and ticket.pk not in seen:
        seen.add(ticket.pk)
        ticket = Ticket.objects.filter(workspace_id=workspace_id, pk=ticket.merged_into_id).first()
    if ticket is None or ticket.deleted_at is not None:
        return None
    return ticket


def followers_of(ticket: Ticket) -> list[int]:
    return list(ticket.followers.order_by("pk").values_list("user_id", flat=True))


def settings_for(principal: Principal) -> TicketSettings:
    """The support settings, for anyone who may view tickets (or change workspace settings)."""
    if principal.scope_for("view", OBJECT_TYPE) is None and not principal.is_admin:
        raise Forbidden("Your role does not allow view on ticket.")
    return ticket_settings(principal.workspace_id)


def ticket_settings(workspace_id: int) -> TicketSettings:
    """The workspace's support settings: the defaults, unsaved, until someone changes them (a
    read never writes; `update_ticket_settings` saves the row)."""
    found = TicketSettings.objects.filter(workspace_id=workspace_id).first()
    return found if found is not None else TicketSettings(workspace_id=workspace_id)
