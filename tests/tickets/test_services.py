"""Ticket services: numbers, fields, status rules, replies, notes, customer messages (reopen,
follow-up of a closed ticket), bulk changes, merge, split, follow, the restore bin and
auto-close; each write audited with its events, and refused writes change nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.search.models import SearchEntry
from rapport.tickets.models import Ticket, TicketFollower, TicketMessage
from rapport.tickets.queries import find_ticket_by_headers, followers_of
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    add_reply,
    bulk_update_tickets,
    close_solved_tickets,
    create_ticket,
    delete_ticket,
    follow_ticket,
    hard_delete_ticket,
    merge_tickets,
    restore_ticket,
    split_message,
    unfollow_ticket,
    update_ticket,
    update_ticket_settings,
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


# --- Bulk, merge, split, follow ---------------------------------------------------------------


def test_bulk_update_changes_each_ticket_with_its_own_audit(workspace, owner) -> None:
    first, second = make_ticket(owner, tags=["vip"]), make_ticket(owner)
    agent, _ = make_member(workspace, "support_agent")
    count = bulk_update_tickets(
        owner,
        [first.pk, second.pk],
        {"status": "open", "priority": "high", "assignee_id": agent.pk,
         "add_tags": ["billing"], "remove_tags": ["vip"]},
    )  # fmt: skip
    assert count == 2
    for ticket in Ticket.objects.filter(pk__in=[first.pk, second.pk]):
        assert (ticket.status, ticket.priority, ticket.assignee_id) == ("open", "high", agent.pk)
        assert [t.name for t in ticket.tags.all()] == ["billing"]
        assert _events(ticket)[-2:] == ["ticket.updated", "ticket.status_changed"]


def test_bulk_update_is_all_or_nothing(workspace, owner) -> None:
    mine = make_ticket(owner)
    closed = make_ticket(owner)
    update_ticket(owner, closed.pk, {"status": "closed"})
    _, rep = make_member(workspace, "sales_rep")
    before = _state()
    with pytest.raises(Conflict):
        bulk_update_tickets(owner, [mine.pk, closed.pk], {"priority": "low"})
    assert _state() == before
    with pytest.raises(Invalid):
        bulk_update_tickets(owner, [mine.pk], {"subject": "Nope"})
    with pytest.raises(Forbidden):
        bulk_update_tickets(rep, [mine.pk], {"priority": "low"})
    assert _state() == before


def test_merge_moves_the_conversation_and_closes_the_merged_ticket(workspace, owner) -> None:
    agent, agent_principal = make_member(workspace, "support_agent")
    survivor = make_ticket(owner, tags=["vip"])
    merged = make_ticket(owner, body="Same problem", tags=["billing"])
    follow_ticket(agent_principal, merged.pk)
    add_note(owner, merged.pk, "Internal")
    moved_ids = set(merged.messages.values_list("pk", flat=True))
    result = merge_tickets(owner, survivor.pk, merged.pk)
    assert result == survivor
    assert moved_ids <= set(survivor.messages.values_list("pk", flat=True))
    assert merged.messages.count() == 0
    assert set(
        TicketMessage.objects.filter(pk__in=moved_ids).values_list("moved_from", flat=True)
    ) == {merged.pk}
    merged.refresh_from_db()
    assert (merged.status, merged.merged_into_id, merged.closed_at is not None) == (
        "closed", survivor.pk, True
    )  # fmt: skip
    assert sorted(t.name for t in survivor.tags.all()) == ["billing", "vip"]
    assert followers_of(survivor) == [agent.pk]
    assert "ticket.merged" in _events(survivor)
    assert _events(merged)[-2:] == ["ticket.updated", "ticket.status_changed"]
    audit = AuditEntry.objects.filter(
        object_type="ticket", object_id=survivor.pk, action="update"
    ).get()
    assert audit.changes["merged"] == [None, merged.pk]
    assert audit.changes["messages_moved"] == [0, 2]


def test_merge_refuses_itself_a_closed_ticket_and_viewers(workspace, owner) -> None:
    first, second = make_ticket(owner), make_ticket(owner)
    closed = make_ticket(owner)
    update_ticket(owner, closed.pk, {"status": "closed"})
    _, rep = make_member(workspace, "sales_rep")
    before = _state()
    with pytest.raises(Invalid):
        merge_tickets(owner, first.pk, first.pk)
    with pytest.raises(Conflict):
        merge_tickets(owner, first.pk, closed.pk)
    with pytest.raises(Forbidden):
        merge_tickets(rep, first.pk, second.pk)
    assert _state() == before


def test_split_moves_a_customer_message_to_a_new_linked_ticket(owner) -> None:
    ticket = make_ticket(owner, priority="high")
    add_reply(owner, ticket.pk, "Looking")
    other_question = add_customer_message(owner, ticket.pk, "Also, my invoice is wrong")
    new = split_message(owner, other_question.pk, "Invoice is wrong")
    assert (new.subject, new.split_from_id, new.requester_id, new.status, new.priority) == (
        "Invoice is wrong", ticket.pk, ticket.requester_id, "open", "high"
    )  # fmt: skip
    other_question.refresh_from_db()
    assert (other_question.ticket_id, other_question.moved_from_id) == (new.pk, ticket.pk)
    assert ticket.messages.count() == 2
    assert new.last_customer_message_at == other_question.created_at
    audit = (
        AuditEntry.objects.filter(object_type="ticket", object_id=ticket.pk).order_by("-pk").first()
    )
    assert audit is not None and audit.changes["split"] == [None, new.pk]


def test_split_refuses_replies_and_the_first_message(owner) -> None:
    ticket = make_ticket(owner)
    reply = add_reply(owner, ticket.pk, "Hi")
    before = _state()
    for message_id in (reply.pk, ticket.messages.order_by("pk").first().pk):
        with pytest.raises(Invalid):
            split_message(owner, message_id)
    assert _state() == before


def test_follow_and_unfollow(workspace, owner) -> None:
    ticket = make_ticket(owner)
    rep_user, rep = make_member(workspace, "sales_rep")
    follow_ticket(rep, ticket.pk)
    follow_ticket(rep, ticket.pk)  # twice is once
    assert followers_of(ticket) == [rep_user.pk]
    with pytest.raises(Forbidden):  # adding someone else needs the edit right
        follow_ticket(rep, ticket.pk, owner.user_id)
    unfollow_ticket(rep, ticket.pk)
    assert followers_of(ticket) == []
    follow_ticket(owner, ticket.pk, rep_user.pk)
    assert followers_of(ticket) == [rep_user.pk]


# --- Restore bin and auto-close ---------------------------------------------------------------


def test_delete_restore_and_erase(owner) -> None:
    ticket = make_ticket(owner)
    delete_ticket(owner, ticket.pk)
    assert Ticket.objects.get(pk=ticket.pk).deleted_at is not None
    assert not SearchEntry.objects.filter(object_type="ticket", object_id=ticket.pk).exists()
    restore_ticket(owner, ticket.pk)
    assert SearchEntry.objects.filter(object_type="ticket", object_id=ticket.pk).exists()
    hard_delete_ticket(owner, ticket.pk)
    assert not Ticket.objects.filter(pk=ticket.pk).exists()
    assert not TicketMessage.objects.filter(ticket_id=ticket.pk).exists()
    assert _events(ticket)[-3:] == ["ticket.deleted", "ticket.restored", "ticket.erased"]


def test_auto_close_closes_tickets_solved_long_enough_ago(owner) -> None:
    now = timezone.now()
    old, recent, open_one = make_ticket(owner), make_ticket(owner), make_ticket(owner)
    for ticket in (old, recent):
        update_ticket(owner, ticket.pk, {"status": "solved"})
    Ticket.objects.filter(pk=old.pk).update(solved_at=now - dt.timedelta(days=4, minutes=1))
    Ticket.objects.filter(pk=recent.pk).update(solved_at=now - dt.timedelta(days=3))
    assert close_solved_tickets(now) == 1
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert (statuses[old.pk], statuses[recent.pk], statuses[open_one.pk]) == (
        "closed", "solved", "new"
    )  # fmt: skip
    assert _events(Ticket.objects.get(pk=old.pk))[-2:] == [
        "ticket.updated",
        "ticket.status_changed",
    ]
    assert (
        AuditEntry.objects.filter(object_type="ticket", object_id=old.pk)
        .order_by("-pk")[0]
        .actor_label
        == "system"
    )
    assert close_solved_tickets(now) == 0  # safe to run twice
    update_ticket_settings(owner, {"auto_close_days": 2})
    assert close_solved_tickets(now) == 1


def test_auto_close_zero_days_means_never(owner) -> None:
    ticket = make_ticket(owner)
    update_ticket(owner, ticket.pk, {"status": "solved"})
    update_ticket_settings(owner, {"auto_close_days": 0})
    assert close_solved_tickets(timezone.now() + dt.timedelta(days=400)) == 0


def test_settings_need_the_workspace_right_and_valid_values(workspace, owner) -> None:
    _, agent = make_member(workspace, "support_agent")
    with pytest.raises(Forbidden):
        update_ticket_settings(agent, {"auto_close_days": 1})
    with pytest.raises(Invalid) as caught:
        update_ticket_settings(owner, {"auto_close_days": 1000, "from_email": "nope"})
    assert {e.loc for e in caught.value.errors} == {("auto_close_days",), ("from_email",)}
    saved = update_ticket_settings(
        owner, {"from_email": "Help@Acme.example", "from_name": "Acme Support"}
    )
    assert (saved.from_email, saved.from_name, saved.auto_close_days) == (
        "help@acme.example", "Acme Support", 4
    )  # fmt: skip


def test_grant_migration_gives_existing_roles_the_builtin_ticket_grants(workspace) -> None:
    from importlib import import_module

    from django.apps import apps

    from rapport.workspaces.models import Role
    from rapport.workspaces.roles import BUILTIN_ROLES

    migration = import_module("rapport.tickets.migrations.0002_grant_builtin_roles")
    roles = Role.objects.filter(is_builtin=True, workspace=workspace)
    for role in roles:
        role.grants = {k: v for k, v in role.grants.items() if k != "ticket"}
        role.save(update_fields=["grants"])
    migration.grant(apps, None)
    grants = {r.key: r.grants["ticket"] for r in roles.all()}
    assert grants == {key: spec["grants"]["ticket"] for key, spec in BUILTIN_ROLES.items()}
    assert grants["support_agent"]["delete"] == "all" and grants["sales_rep"] == {"view": "all"}


def test_a_rep_sees_the_open_tickets_of_their_customer(workspace, owner) -> None:
    from rapport.tickets.queries import open_tickets_of_company, open_tickets_of_contact

    requester = make_requester(owner)
    older, newer = make_ticket(owner, requester), make_ticket(owner, requester)
    solved = make_ticket(owner, requester)
    update_ticket(owner, solved.pk, {"status": "solved"})
    make_ticket(owner, make_requester(owner, email="bo@example.com"))  # another company's
    _, rep = make_member(workspace, "sales_rep")
    assert open_tickets_of_contact(rep, requester.pk) == [newer, older]
    assert open_tickets_of_company(rep, requester.company_id) == [newer, older]
    stranger = owner_principal(make_workspace("Globex"))
    assert open_tickets_of_contact(stranger, requester.pk) == []
