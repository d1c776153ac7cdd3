"""Writes about several tickets: a bulk change, merging two tickets, splitting a message off
into a new ticket, and following.

A bulk change goes through the one-ticket update, so each ticket keeps its rules, permission
check, audit entry and events; one refused ticket changes none. A merge moves the merged
ticket's conversation (messages and their attachments) to the survivor, which also gains its
followers and tags, and closes the merged ticket pointing to the survivor.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Invalid, NotFound
from rapport.core.lifecycle import lock_record
from rapport.core.permissions import Principal, require
from rapport.tickets.events import emit_merged, emit_status_changed
from rapport.tickets.models import Ticket, TicketFollower, TicketMessage
from rapport.tickets.queries import find_ticket
from rapport.tickets.services.fields import OBJECT_TYPE, is_member
from rapport.tickets.services.tickets import (
    check_open,
    open_ticket,
    reindex,
    set_status,
    snapshot,
    write_ticket_update,
)

BULK_FIELDS = ("status", "priority", "type", "assignee_id", "team_id", "add_tags", "remove_tags")
MAX_BULK = 500


def _tag_change(ticket: Ticket, add: list[Any], remove: list[Any]) -> list[int | str]:
    """The ticket's tags after adding `add` (ids or names) and removing `remove`."""
    gone = {str(r).lower() for r in remove}
    current = list(ticket.tags.values_list("pk", "name"))
    kept: list[int | str] = [
        pk for pk, name in current if str(pk) not in gone and name.lower() not in gone
    ]
    names = {name.lower() for _, name in current} | {str(pk) for pk, _ in current}
    return kept + [ref for ref in add if str(ref).lower() not in names]


@transaction.atomic
def bulk_update_tickets(principal: Principal, ticket_ids: list[int], data: dict[str, Any]) -> int:
    """The same change on each ticket, all or none (one refused ticket changes nothing)."""
    unknown = [k for k in data if k not in BULK_FIELDS]
    if unknown:
        raise Invalid.on(unknown[0], f"Bulk changes can set {', '.join(BULK_FIELDS)}.")
    if not 1 <= len(ticket_ids) <= MAX_BULK:
        raise Invalid.on("ids", f"Choose from 1 to {MAX_BULK} tickets.")
    fields = {k: v for k, v in data.items() if k not in ("add_tags", "remove_tags")}
    for ticket_id in dict.fromkeys(ticket_ids):
        ticket = lock_record(Ticket, principal, ticket_id, deleted=False)
        require(principal, "edit", OBJECT_TYPE, ticket)
        change = dict(fields)
        if data.get("add_tags") or data.get("remove_tags"):
            add, remove = data.get("add_tags") or [], data.get("remove_tags") or []
            change["tags"] = _tag_change(ticket, add, remove)
        write_ticket_update(principal, ticket, change)
    return len(set(ticket_ids))


def _lock_pair(principal: Principal, survivor_id: int, merged_id: int) -> tuple[Ticket, Ticket]:
    if survivor_id == merged_id:
        ticket = lock_record(Ticket, principal, survivor_id, deleted=False)
        require(principal, "edit", OBJECT_TYPE, ticket)
        raise Invalid.on("merged_id", "A ticket cannot be merged into itself.")
    first, second = sorted((survivor_id, merged_id))  # lock in id order: no deadlock
    locked = {pk: lock_record(Ticket, principal, pk, deleted=False) for pk in (first, second)}
    survivor, merged = locked[survivor_id], locked[merged_id]
    for ticket in (survivor, merged):
        require(principal, "edit", OBJECT_TYPE, ticket)
        check_open(ticket)
    return survivor, merged


@transaction.atomic
def merge_tickets(principal: Principal, survivor_id: int, merged_id: int) -> Ticket:
    """Move `merged_id`'s conversation into `survivor_id` and close it, pointing to the
    survivor; both are audited. Returns the survivor."""
    survivor, merged = _lock_pair(principal, survivor_id, merged_id)
    survivor_before, merged_before = snapshot(survivor), snapshot(merged)
    moved = merged.messages.update(ticket=survivor, moved_from=merged)
    users = set(survivor.followers.values_list("user_id", flat=True))
    for user_id in merged.followers.exclude(user_id__in=users).values_list("user_id", flat=True):
        TicketFollower.objects.create(
            workspace_id=survivor.workspace_id, ticket=survivor, user_id=user_id
        )
    survivor.bump()
    survivor.tags.add(*merged.tags.all())
    times = ("last_customer_message_at", "last_agent_message_at", "first_response_at")
    for name in times:
        values = [v for v in (getattr(survivor, name), getattr(merged, name)) if v is not None]
        pick = min if name == "first_response_at" else max
        setattr(survivor, name, pick(values) if values else None)
    survivor.save()
    survivor_changes = diff(survivor_before, snapshot(survivor))
    record_change(
        principal, "update", OBJECT_TYPE, survivor,
        survivor_changes | {"merged": [None, merged.pk], "messages_moved": [0, moved]},
    )  # fmt: skip
    emit_merged(principal, survivor, merged)
    merged.bump(merged_into=survivor)
    old = set_status(merged, "closed")
    merged.save()
    record_change(principal, "update", OBJECT_TYPE, merged, diff(merged_before, snapshot(merged)))
    if old is not None:
        emit_status_changed(principal, merged, old)
    reindex(survivor)
    reindex(merged)
    return survivor


@transaction.atomic
def split_message(principal: Principal, message_id: int, subject: str = "") -> Ticket:
    """Move one customer message (and its attachments) to a new ticket with the same requester,
    linked to the old one with `split_from`. Returns the new ticket."""
    message = (
        TicketMessage.objects.select_related("ticket")
        .filter(workspace_id=principal.workspace_id, pk=message_id)
        .first()
    )
    if message is None or find_ticket(principal, message.ticket_id) is None:
        raise NotFound("message not found")
    source = lock_record(Ticket, principal, message.ticket_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, source)
    require(principal, "create", OBJECT_TYPE)
    check_open(source)
    if message.kind != "customer":
        raise Invalid.on("message_id", "Only a customer's message can become a new ticket.")
    if source.messages.order_by("created_at", "pk").first() == message:
        raise Invalid.on("message_id", "The first message is the ticket itself; nothing to split.")
    data: dict[str, Any] = {
        "subject": subject or source.subject,
        "requester_id": message.author_contact_id or source.requester_id,
        "company_id": source.company_id,
        "channel": source.channel,
        "priority": source.priority,
        "type": source.type,
        "team_id": source.team_id,
        "status": "open",
    }
    ticket = open_ticket(principal, data, {"split_from_id": source.pk})
    message.ticket, message.moved_from = ticket, source
    message.save(update_fields=["ticket", "moved_from"])
    ticket.last_customer_message_at = message.created_at
    ticket.save(update_fields=["last_customer_message_at"])
    source.bump()
    source.save(update_fields=["version", "updated_at"])
    record_change(
        principal, "update", OBJECT_TYPE, source,
        {"split": [None, ticket.pk], "message_id": [message.pk, None]},
    )  # fmt: skip
    return ticket


def _follow_target(principal: Principal, ticket_id: int, user_id: int | None) -> int:
    if find_ticket(principal, ticket_id) is None:
        raise NotFound("ticket not found")
    user_id = user_id or principal.user_id
    if user_id is None:
        raise Invalid.on("user_id", "Say who follows the ticket.")
    if user_id != principal.user_id:
        ticket = lock_record(Ticket, principal, ticket_id, deleted=False)
        require(principal, "edit", OBJECT_TYPE, ticket)
        if not is_member(principal.workspace_id, user_id):
            raise Invalid.on("user_id", "Followers are active members of this workspace.")
    return user_id


@transaction.atomic
def follow_ticket(principal: Principal, ticket_id: int, user_id: int | None = None) -> None:
    """Follow a ticket one may view (adding someone else needs the edit right)."""
    user_id = _follow_target(principal, ticket_id, user_id)
    TicketFollower.objects.get_or_create(
        workspace_id=principal.workspace_id,
        ticket_id=ticket_id,
        user_id=user_id,
        defaults={"created_at": timezone.now()},
    )


@transaction.atomic
def unfollow_ticket(principal: Principal, ticket_id: int, user_id: int | None = None) -> None:
    user_id = _follow_target(principal, ticket_id, user_id)
    TicketFollower.objects.filter(ticket_id=ticket_id, user_id=user_id).delete()
