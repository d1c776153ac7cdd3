"""Ticket services: creating and updating tickets (numbers, fields, status rules), each write
audited with its events, and refused writes change nothing. The conversation is in
test_conversation.py; bulk, merge, split, follow, the restore bin and auto-close in
test_operations.py."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.search.models import SearchEntry
from rapport.tickets.models import Ticket, TicketFollower, TicketMessage
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    add_reply,
    create_ticket,
    delete_ticket,
    follow_ticket,
    split_message,
    update_ticket,
)
from rapport.workspaces.services.teams import create_team, set_team_members
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


# --- Create -----------------------------------------------------------------------------------


def test_create_numbers_per_workspace_and_takes_the_requesters_company(owner) -> None:
    requester = make_requester(owner)
    first = create_ticket(owner, {"subject": "  VPN down ", "requester_id": requester.pk}, "Help")
    second = make_ticket(owner, requester)
    other = make_ticket(owner_principal(make_workspace("Globex")))
    assert (first.number, second.number, other.number) == (1, 2, 1)
    assert (first.subject, first.status, first.priority, first.channel) == (
        "VPN down", "new", "normal", "agent"
    )  # fmt: skip
    assert first.company_id == requester.company_id
    message = first.messages.get()
    assert (message.kind, message.author_contact_id, message.body_html) == (
        "customer", requester.pk, "<p>Help</p>"
    )  # fmt: skip
    assert message.message_id.startswith("<") and message.message_id.endswith("@localhost>")
    assert first.last_customer_message_at == message.created_at
    assert _events(first) == ["ticket.created"]
    entry = AuditEntry.objects.get(object_type="ticket", object_id=first.pk)
    assert entry.action == "create" and entry.changes["subject"] == "VPN down"
    search = SearchEntry.objects.get(object_type="ticket", object_id=first.pk)
    assert (search.title, search.subtitle) == ("#1 VPN down", "Ada Byron")
    assert "ada@example.com" in search.text and "#1" in search.text


def test_create_sanitises_the_body(owner) -> None:
    ticket = make_ticket(owner, body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    message = ticket.messages.get()
    assert message.body_html == "<p>Hi</p>"
    assert message.body_text == "Hi"


def test_create_refuses_bad_fields_all_at_once(owner) -> None:
    before = _state()
    with pytest.raises(Invalid) as caught:
        create_ticket(
            owner,
            {"subject": "", "requester_id": 999999, "priority": "asap", "status": "closed"},
            "x",
        )
    assert {e.loc for e in caught.value.errors} == {("subject",), ("priority",), ("status",)}
    with pytest.raises(Invalid) as caught:
        create_ticket(owner, {"subject": "Hi", "requester_id": 999999}, "x")
    assert [e.loc for e in caught.value.errors] == [("requester_id",)]
    assert _state() == before


def test_create_needs_a_body_or_a_file(owner) -> None:
    requester = make_requester(owner)
    before = _state()
    with pytest.raises(Invalid) as caught:
        create_ticket(owner, {"subject": "Hi", "requester_id": requester.pk}, "   ")
    assert caught.value.errors[0].loc == ("body",)
    assert _state() == before


def test_requester_of_another_workspace_is_refused(owner) -> None:
    stranger = make_requester(owner_principal(make_workspace("Globex")))
    with pytest.raises(Invalid) as caught:
        create_ticket(owner, {"subject": "Hi", "requester_id": stranger.pk}, "x")
    assert caught.value.errors[0].loc == ("requester_id",)


def test_a_role_without_create_changes_nothing(workspace, owner) -> None:
    requester = make_requester(owner)
    _, rep = make_member(workspace, "sales_rep")
    before = _state()
    with pytest.raises(Forbidden):
        create_ticket(rep, {"subject": "Hi", "requester_id": requester.pk}, "x")
    assert _state() == before


def test_agent_opens_a_ticket_with_a_reply_that_waits_on_the_customer(owner) -> None:
    requester = make_requester(owner)
    ticket = create_ticket(
        owner, {"subject": "Call back", "requester_id": requester.pk}, "We called.",
        message_kind="reply",
    )  # fmt: skip
    message = ticket.messages.get()
    assert (ticket.status, message.kind, message.author_user_id) == (
        "pending", "reply", owner.user_id
    )  # fmt: skip
    assert ticket.first_response_at == message.created_at
    assert message.sent_to == "ada@example.com"
    assert _events(ticket) == ["ticket.created", "ticket.replied"]


# --- Update and status rules --------------------------------------------------------------------


def test_update_fields_and_status_timestamps(workspace, owner) -> None:
    ticket = make_ticket(owner)
    agent, _ = make_member(workspace, "support_agent")
    team = create_team(owner, "Tier 1")
    set_team_members(owner, team.pk, [agent.pk])
    updated = update_ticket(
        owner,
        ticket.pk,
        {"priority": "urgent", "type": "incident", "team_id": team.pk, "assignee_id": agent.pk,
         "status": "open", "tags": ["vip"]},
        expected_version=ticket.version,
    )  # fmt: skip
    assert (updated.priority, updated.type, updated.team_id, updated.assignee_id) == (
        "urgent", "incident", team.pk, agent.pk
    )  # fmt: skip
    assert [t.name for t in updated.tags.all()] == ["vip"]
    assert updated.version == ticket.version + 1
    solved = update_ticket(owner, ticket.pk, {"status": "solved"})
    assert solved.solved_at is not None and solved.status_changed_at == solved.solved_at
    reopened = update_ticket(owner, ticket.pk, {"status": "open"})
    assert reopened.solved_at is None
    closed = update_ticket(owner, ticket.pk, {"status": "closed"})
    assert closed.closed_at is not None
    assert _events(ticket) == [
        "ticket.created",
        "ticket.updated", "ticket.status_changed",
        "ticket.updated", "ticket.status_changed",
        "ticket.updated", "ticket.status_changed",
        "ticket.updated", "ticket.status_changed",
    ]  # fmt: skip
    payload = OutboxEvent.objects.filter(name="ticket.status_changed").order_by("pk")[1].payload
    assert (payload["from_status"], payload["status"], payload["number"]) == ("open", "solved", 1)


def test_a_closed_ticket_never_changes(owner) -> None:
    ticket = make_ticket(owner)
    update_ticket(owner, ticket.pk, {"status": "closed"})
    before = _state()
    for write in (
        lambda: update_ticket(owner, ticket.pk, {"priority": "low"}),
        lambda: add_reply(owner, ticket.pk, "Late answer"),
        lambda: add_note(owner, ticket.pk, "Note"),
    ):
        with pytest.raises(Conflict):
            write()
    assert _state() == before


def test_status_cannot_go_back_to_new(owner) -> None:
    ticket = make_ticket(owner, status="open")
    with pytest.raises(Invalid) as caught:
        update_ticket(owner, ticket.pk, {"status": "new"})
    assert caught.value.errors[0].loc == ("status",)


def test_stale_version_is_refused(owner) -> None:
    from rapport.core.errors import PreconditionFailed

    ticket = make_ticket(owner)
    update_ticket(owner, ticket.pk, {"priority": "high"})
    with pytest.raises(PreconditionFailed):
        update_ticket(owner, ticket.pk, {"priority": "low"}, expected_version=ticket.version)
    assert Ticket.objects.get(pk=ticket.pk).priority == "high"


def test_assignee_must_be_in_the_team_and_a_team_change_unassigns(workspace, owner) -> None:
    ticket = make_ticket(owner)
    agent, _ = make_member(workspace, "support_agent")
    tier1, tier2 = create_team(owner, "Tier 1"), create_team(owner, "Tier 2")
    set_team_members(owner, tier1.pk, [agent.pk])
    with pytest.raises(Invalid) as caught:
        update_ticket(owner, ticket.pk, {"team_id": tier2.pk, "assignee_id": agent.pk})
    assert caught.value.errors[0].loc == ("assignee_id",)
    update_ticket(owner, ticket.pk, {"team_id": tier1.pk, "assignee_id": agent.pk})
    moved = update_ticket(owner, ticket.pk, {"team_id": tier2.pk})
    assert (moved.team_id, moved.assignee_id) == (tier2.pk, None)


def test_an_agent_with_own_scope_cannot_assign_others(workspace, owner) -> None:
    from rapport.workspaces.services import create_role

    role = create_role(owner, "Junior agent", {
        "ticket": {"view": "all", "create": "all", "edit": "own"}, "contact": {"view": "all"},
    })  # fmt: skip
    junior_user, _ = make_member(workspace, "support_agent")
    other, _ = make_member(workspace, "support_agent")
    from rapport.workspaces.models import Membership
    from rapport.workspaces.queries import principal_for

    Membership.objects.filter(user=junior_user).update(role=role)
    junior = principal_for(junior_user, workspace.pk)
    ticket = make_ticket(owner, assignee_id=junior_user.pk)
    before = _state()
    with pytest.raises(Forbidden):
        update_ticket(junior, ticket.pk, {"assignee_id": other.pk})
    assert _state() == before
    with pytest.raises(Forbidden):  # not theirs: "own" covers tickets assigned to them
        update_ticket(junior, make_ticket(owner).pk, {"priority": "low"})


def test_another_workspace_ticket_is_not_found(owner) -> None:
    stranger = make_ticket(owner_principal(make_workspace("Globex")))
    before = _state()
    for write in (
        lambda: update_ticket(owner, stranger.pk, {"priority": "low"}),
        lambda: add_reply(owner, stranger.pk, "Hi"),
        lambda: add_note(owner, stranger.pk, "Hi"),
        lambda: add_customer_message(owner, stranger.pk, "Hi"),
        lambda: delete_ticket(owner, stranger.pk),
        lambda: follow_ticket(owner, stranger.pk),
        lambda: split_message(owner, stranger.messages.get().pk),
    ):
        with pytest.raises(NotFound):
            write()
    assert _state() == before
