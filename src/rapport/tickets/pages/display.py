"""What every ticket page shares: labels and choices, finding a ticket by its number, the names
shown beside tickets, and the last-message previews of a list page."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import Any

from django.db.models import OuterRef, Subquery
from django.db.models.functions import Substr

from rapport.core.errors import NotFound
from rapport.core.permissions import Principal
from rapport.tickets.models import CHANNELS, PRIORITIES, STATUSES, TYPES, Ticket, TicketMessage
from rapport.tickets.queries import get_ticket, visible_tickets
from rapport.workspaces.queries import find_workspace, list_teams, member_labels

OBJECT_TYPE = "ticket"
PREVIEW_CHARS = 140
_LABELS = {"pending": "Pending customer", "on_hold": "On hold", "web_form": "Web form"}


def label(value: str) -> str:
    """A status, priority, type or channel as people read it ("pending" -> "Pending customer")."""
    return _LABELS.get(value, value.replace("_", " ").capitalize()) if value else ""


def choices(values: Iterable[str]) -> list[tuple[str, str]]:
    return [(value, label(value)) for value in values]


STATUS_CHOICES = choices(STATUSES)
PRIORITY_CHOICES = choices(PRIORITIES)
TYPE_CHOICES = choices(TYPES)
CHANNEL_CHOICES = choices(CHANNELS)


def ticket_by_number(principal: Principal, number: int) -> Ticket:
    """The visible ticket with this number in the principal's workspace (NotFound otherwise)."""
    found = visible_tickets(principal).filter(number=number).values_list("pk", flat=True).first()
    if found is None:
        raise NotFound("ticket not found")
    return get_ticket(principal, found)


def zone_of(principal: Principal) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(find_workspace(principal).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def people_context(principal: Principal) -> dict[str, Any]:
    """Members and teams for the pickers and the names beside tickets."""
    members = member_labels(principal)
    return {
        "members": members,
        "member_choices": [(str(pk), name) for pk, name in member_labels(principal, True).items()],
        "team_choices": [(str(team.pk), team.name) for team in list_teams(principal)],
    }


def previews(principal: Principal, ticket_ids: list[int]) -> dict[int, tuple[str, str]]:
    """{ticket id: (kind, first characters)} of each ticket's newest message, in one query."""
    if not ticket_ids:
        return {}
    newest = TicketMessage.objects.filter(ticket_id=OuterRef("pk")).order_by("-created_at", "-pk")
    rows = (
        visible_tickets(principal)
        .filter(pk__in=ticket_ids)
        .annotate(
            preview_kind=Subquery(newest.values("kind")[:1]),
            preview_text=Subquery(
                newest.annotate(head=Substr("body_text", 1, PREVIEW_CHARS)).values("head")[:1]
            ),
        )
        .values_list("pk", "preview_kind", "preview_text")
    )
    return {pk: (kind or "", " ".join((text or "").split())) for pk, kind, text in rows}
