"""Ticket operations: bulk changes, merge, split, followers, the restore bin, auto-close and
settings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.core.errors import Conflict, Forbidden, Invalid
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.search.models import SearchEntry
from rapport.tickets.models import Ticket, TicketFollower, TicketMessage
from rapport.tickets.queries import followers_of
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    add_reply,
    bulk_update_tickets,
    close_solved_tickets,
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
