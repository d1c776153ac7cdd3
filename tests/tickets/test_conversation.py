"""Ticket conversations: replies, notes and customer messages, their status rules and threading."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.tickets.models import Ticket, TicketFollower, TicketMessage
from rapport.tickets.queries import find_ticket_by_headers
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    add_reply,
    delete_ticket,
    merge_tickets,
    update_ticket,
)
from tests.conftest import make_member, make_workspace, owner_principal
from tests.tickets.factories import make_requester, make_ticket

pytestmark = pytest.mark.django_db


def _events(ticket: Ticket) -> list[str]:
    rows = OutboxEvent.objects.filter(object_type="ticket", object_id=ticket.pk).order_by("pk")
    return list(rows.values_list("name", flat=True))


def _state() -> tuple[list[Any], list[Any], list[Any], int, int]:
    return (
        list(Ticket.objects.order_by("pk").values()),
        list(TicketMessage.objects.order_by("pk").values()),
        list(TicketFollower.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


# --- Conversation -----------------------------------------------------------------------------


def test_reply_sets_first_response_once_and_waits_on_the_customer(owner) -> None:
    ticket = make_ticket(owner)
    first = add_reply(owner, ticket.pk, "On it")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == ("pending", first.created_at)
    add_customer_message(owner, ticket.pk, "Still broken")
    second = add_reply(owner, ticket.pk, "Fixed", status="solved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.first_response_at) == ("solved", first.created_at)
    assert ticket.last_agent_message_at == second.created_at
    assert _events(ticket) == [
        "ticket.created",
        "ticket.replied", "ticket.updated", "ticket.status_changed",
        "ticket.updated", "ticket.status_changed", "ticket.customer_replied",
        "ticket.replied", "ticket.updated", "ticket.status_changed",
    ]  # fmt: skip
    audit = AuditEntry.objects.filter(object_type="ticket", object_id=ticket.pk).order_by("pk")
    assert [a.action for a in audit] == ["create", "reply", "customer_message", "reply"]
    assert audit[1].changes["status"] == ["new", "pending"]
    assert audit[1].changes["message_id"] == [None, first.pk]


def test_reply_threads_on_the_public_messages_only(owner) -> None:
    ticket = make_ticket(owner)
    opening = ticket.messages.get()
    add_note(owner, ticket.pk, "Internal")
    reply = add_reply(owner, ticket.pk, "Hello")
    assert (reply.in_reply_to, reply.references) == (opening.message_id, opening.message_id)
    customer = add_customer_message(owner, ticket.pk, "Thanks")
    second = add_reply(owner, ticket.pk, "Welcome")
    assert second.in_reply_to == customer.message_id
    assert second.references.split() == [
        opening.message_id, reply.message_id, customer.message_id
    ]  # fmt: skip
    assert len({opening.message_id, reply.message_id, customer.message_id}) == 3


def test_a_note_is_internal_and_changes_no_status(owner) -> None:
    ticket = make_ticket(owner)
    note = add_note(owner, ticket.pk, "Customer is VIP")
    ticket.refresh_from_db()
    assert (note.kind, ticket.status, ticket.first_response_at) == ("note", "new", None)
    assert note.sent_to == "" and note.next_attempt_at is None
    assert _events(ticket)[-1:] == ["ticket.noted"]
    assert (
        AuditEntry.objects.filter(object_type="ticket", object_id=ticket.pk)
        .order_by("-pk")[0]
        .action
        == "note"
    )


def test_reply_needs_the_requesters_email(owner) -> None:
    requester = make_requester(owner, email="")
    ticket = make_ticket(owner, requester)
    before = _state()
    with pytest.raises(Invalid) as caught:
        add_reply(owner, ticket.pk, "Hello")
    assert caught.value.errors[0].loc == ("body",)
    assert _state() == before


def test_a_viewer_cannot_reply_or_note(workspace, owner) -> None:
    ticket = make_ticket(owner)
    _, rep = make_member(workspace, "sales_rep")
    before = _state()
    for write in (
        lambda: add_reply(rep, ticket.pk, "Hi"),
        lambda: add_note(rep, ticket.pk, "Hi"),
        lambda: add_customer_message(rep, ticket.pk, "Hi"),
        lambda: update_ticket(rep, ticket.pk, {"priority": "low"}),
        lambda: delete_ticket(rep, ticket.pk),
    ):
        with pytest.raises(Forbidden):
            write()
    assert _state() == before


def test_customer_message_reopens_a_solved_ticket_and_opens_a_pending_one(owner) -> None:
    ticket = make_ticket(owner)
    add_reply(owner, ticket.pk, "Try this", status="solved")
    message = add_customer_message(owner, ticket.pk, "Did not work")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.solved_at) == ("open", None)
    assert ticket.last_customer_message_at == message.created_at
    add_reply(owner, ticket.pk, "And this?")
    add_customer_message(owner, ticket.pk, "Still no")
    ticket.refresh_from_db()
    assert ticket.status == "open"
    update_ticket(owner, ticket.pk, {"status": "on_hold"})
    add_customer_message(owner, ticket.pk, "Any news?")
    assert Ticket.objects.get(pk=ticket.pk).status == "on_hold"


def test_customer_message_on_a_closed_ticket_opens_a_follow_up(owner) -> None:
    ticket = make_ticket(owner, priority="high", type="problem")
    update_ticket(owner, ticket.pk, {"status": "closed"})
    closed_before = list(Ticket.objects.filter(pk=ticket.pk).values())
    message = add_customer_message(owner, ticket.pk, "It is back", message_id="<m1@mail.example>")
    follow_up = message.ticket
    assert follow_up.pk != ticket.pk
    assert (follow_up.follow_up_of_id, follow_up.subject, follow_up.status) == (
        ticket.pk, "Printer on fire", "open"
    )  # fmt: skip
    assert (follow_up.priority, follow_up.type, follow_up.number) == ("high", "problem", 2)
    assert message.message_id == "<m1@mail.example>"
    assert list(Ticket.objects.filter(pk=ticket.pk).values()) == closed_before
    assert _events(follow_up) == ["ticket.created", "ticket.customer_replied"]


def test_inbound_headers_find_the_ticket_and_follow_merges(owner) -> None:
    ticket = make_ticket(owner)
    reply = add_reply(owner, ticket.pk, "Hello")
    assert find_ticket_by_headers(owner.workspace_id, ["<nope@x>", reply.message_id]) == ticket
    assert find_ticket_by_headers(owner.workspace_id, ["<nope@x>"]) is None
    survivor = make_ticket(owner)
    merge_tickets(owner, survivor.pk, ticket.pk)
    assert find_ticket_by_headers(owner.workspace_id, [reply.message_id]) == survivor
    other = owner_principal(make_workspace("Globex"))
    assert find_ticket_by_headers(other.workspace_id, [reply.message_id]) is None
