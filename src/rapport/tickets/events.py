"""The domain events of tickets beyond their lifecycle (created, updated, deleted, restored,
erased): a status change, a public reply, an internal note, a customer's message and a merge."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rapport.core.events import EventType, emit, register_event_type
from rapport.core.permissions import Principal
from rapport.tickets.models import Ticket, TicketMessage

STATUS_CHANGED = "ticket.status_changed"
REPLIED = "ticket.replied"
NOTED = "ticket.noted"
CUSTOMER_REPLIED = "ticket.customer_replied"
MERGED = "ticket.merged"


class TicketFacts(BaseModel):
    """What every ticket event says about the ticket."""

    number: int = Field(description="The ticket's number in its workspace.")
    subject: str = Field(description="Its subject.")
    status: str = Field(description="Its status after the change.")
    priority: str = Field(description="low, normal, high or urgent.")
    requester_id: int | None = Field(description="The requesting contact.")
    team_id: int | None = Field(description="Its team.")
    assignee_id: int | None = Field(description="Its assignee.")


class TicketStatusChanged(TicketFacts):
    """ticket.status_changed: the ticket moved from one status to another."""

    from_status: str = Field(description="The status it left.")


class TicketMessageAdded(TicketFacts):
    """ticket.replied / ticket.noted / ticket.customer_replied: a message was added."""

    message_id: int = Field(description="The message's id.")
    author_user_id: int | None = Field(description="The staff user who wrote it.")
    author_contact_id: int | None = Field(description="The contact who wrote it.")


class TicketMerged(TicketFacts):
    """ticket.merged: another ticket's conversation moved into this one (the survivor)."""

    merged_id: int = Field(description="The ticket that was merged in (now closed).")
    merged_number: int = Field(description="Its number.")


def register_ticket_events() -> None:
    for name, description, payload in (
        (
            STATUS_CHANGED,
            "A ticket changed status (new, open, pending, on_hold, solved, closed).",
            TicketStatusChanged,
        ),
        (REPLIED, "An agent sent a public reply to the requester.", TicketMessageAdded),
        (
            NOTED,
            "An agent added an internal note (never sent to the customer).",
            TicketMessageAdded,
        ),
        (
            CUSTOMER_REPLIED,
            "The customer wrote on a ticket (email, portal); a solved ticket reopens.",
            TicketMessageAdded,
        ),
        (MERGED, "Another ticket was merged into this one.", TicketMerged),
    ):
        register_event_type(EventType(name, "ticket", description, payload))


def facts(ticket: Ticket) -> dict[str, object]:
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "status": ticket.status,
        "priority": ticket.priority,
        "requester_id": ticket.requester_id,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
    }


def emit_status_changed(principal: Principal, ticket: Ticket, from_status: str) -> None:
    emit(
        principal, STATUS_CHANGED, "ticket", ticket.pk, facts(ticket) | {"from_status": from_status}
    )


def emit_message_added(
    principal: Principal, event: str, ticket: Ticket, message: TicketMessage
) -> None:
    extra = {
        "message_id": message.pk,
        "author_user_id": message.author_user_id,
        "author_contact_id": message.author_contact_id,
    }
    emit(principal, event, "ticket", ticket.pk, facts(ticket) | extra)


def emit_merged(principal: Principal, survivor: Ticket, merged: Ticket) -> None:
    extra = {"merged_id": merged.pk, "merged_number": merged.number}
    emit(principal, MERGED, "ticket", survivor.pk, facts(survivor) | extra)
