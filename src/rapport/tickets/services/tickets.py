"""Writes about one ticket: create (with its first message), update (status rules among them),
soft delete, restore and hard delete; and the numbers tickets get.

Status rules live in `set_status`, which every path (update, replies, customer messages, bulk,
merge, auto-close) goes through: solving sets `solved_at` (reopening clears it), closing sets
`closed_at`, and a closed ticket is final: it cannot change again (the customer writing to it
opens a follow-up ticket instead).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.jobs import enqueue_on_commit
from rapport.core.lifecycle import check_version, erase, lock_record, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, require
from rapport.customfields.services import clean_custom_values, merge_custom
from rapport.search.services import index_record, remove_record
from rapport.tags.services import resolve_tags
from rapport.tickets.events import NOTED, REPLIED, emit_message_added, emit_status_changed
from rapport.tickets.models import MESSAGE_KINDS, Ticket, TicketCounter, TicketMessage
from rapport.tickets.search import ticket_entry
from rapport.tickets.services.conversation import write_message
from rapport.tickets.services.fields import (
    OBJECT_TYPE,
    check_assignee,
    clean_fields,
    company_of,
    in_team,
    requester_of,
    team_of,
)

SEND_JOB = "rapport.tickets.jobs.send_ticket_reply"
# How long a reply waits for its job before the retry sweep sends it (and how long a sender
# holds it): a job lost in a crash is made up for.
REPLY_LEASE = dt.timedelta(minutes=2)
PLAIN = (
    "number", "subject", "requester_id", "company_id", "channel", "status", "priority", "type",
    "team_id", "assignee_id", "last_assignment", "custom", "merged_into_id", "split_from_id",
    "follow_up_of_id",
)  # fmt: skip


def snapshot(ticket: Ticket) -> dict[str, Any]:
    data = {name: getattr(ticket, name) for name in PLAIN}
    tags = sorted(ticket.tags.values_list("id", flat=True)) if ticket.pk else []
    return data | {"tags": tags}


def next_number(workspace_id: int) -> int:
    """The workspace's next ticket number, inside the caller's transaction (the counter row is
    locked until it ends, so two tickets made at once never share a number)."""
    counters = TicketCounter.objects.filter(workspace_id=workspace_id)
    if not counters.exists():
        try:
            with transaction.atomic():  # a savepoint: losing the race to create it is fine
                TicketCounter.objects.create(workspace_id=workspace_id)
        except IntegrityError:
            pass
    counter = counters.select_for_update().get()
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def set_status(ticket: Ticket, status: str) -> str | None:
    """Move the ticket (in memory) to `status`, keeping its timestamps true; the old status, or
    None when it did not change."""
    old = ticket.status
    if status == old:
        return None
    if old == "closed":
        raise Conflict("This ticket is closed; a closed ticket cannot change.")
    now = timezone.now()
    ticket.status, ticket.status_changed_at = status, now
    if status == "solved":
        ticket.solved_at = now
    elif old == "solved":
        ticket.solved_at = None
    if status == "closed":
        ticket.closed_at = now
    return old


def check_open(ticket: Ticket) -> None:
    if ticket.status == "closed":
        raise Conflict(
            f"Ticket #{ticket.number} is closed and cannot change; open a follow-up ticket."
        )


def reindex(ticket: Ticket) -> None:
    index_record(**ticket_entry(ticket))


def _people(
    principal: Principal, ticket: Ticket, cleaned: dict[str, Any], problems: list[FieldError]
) -> None:
    """Requester, company, team and assignee of the write, checked against each other."""
    if "requester_id" in cleaned or not ticket.pk:
        requester = requester_of(principal, cleaned.get("requester_id"))
        if not ticket.pk and "company_id" not in cleaned:
            cleaned["company_id"] = requester.company_id
    if "company_id" in cleaned:
        cleaned["company_id"] = company_of(principal, cleaned["company_id"])
    team = team_of(principal, cleaned["team_id"]) if "team_id" in cleaned else ticket.team
    if "assignee_id" in cleaned:
        check_assignee(principal, cleaned["assignee_id"], ticket.assignee_id)
        if not in_team(team, cleaned["assignee_id"]):
            problems.append(FieldError(("assignee_id",), f"The assignee is not in team {team}."))
        if cleaned["assignee_id"] != ticket.assignee_id and "last_assignment" not in cleaned:
            cleaned["last_assignment"] = ""
    elif "team_id" in cleaned and not in_team(team, ticket.assignee_id):
        cleaned["assignee_id"], cleaned["last_assignment"] = None, ""  # not in the new team


def apply_fields(principal: Principal, ticket: Ticket, data: dict[str, Any]) -> str | None:
    """Validate `data` and set it on `ticket` (saved, with its tags); the old status if the
    status changed."""
    data = dict(data)
    relations = {k: data.pop(k) for k in ("tags", "custom") if k in data}
    cleaned, problems = clean_fields(data)
    status = cleaned.pop("status", None)
    if status == "new" and ticket.pk and ticket.status != "new":
        problems.append(FieldError(("status",), "A ticket cannot go back to new."))
    if status == "closed" and not ticket.pk:
        problems.append(FieldError(("status",), "A new ticket cannot be closed."))
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    _people(principal, ticket, cleaned, problems)
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    if "custom" in relations or not ticket.pk:
        custom = clean_custom_values(
            principal.workspace_id, OBJECT_TYPE, relations.get("custom"), partial=bool(ticket.pk)
        )
        cleaned["custom"] = merge_custom(ticket.custom, custom)
    tags = resolve_tags(principal, relations["tags"] or []) if "tags" in relations else None
    for name, value in cleaned.items():
        setattr(ticket, name, value)
    old = set_status(ticket, status) if status is not None else None
    ticket.save()
    if tags is not None:
        ticket.tags.set(tags)
    return old


def open_ticket(
    principal: Principal, data: dict[str, Any], links: dict[str, Any] | None = None
) -> Ticket:
    """A new numbered ticket from `data` (no message yet), audited and indexed; `links` sets
    merged/split/follow-up fields that no input can."""
    ticket = Ticket(workspace_id=principal.workspace_id, **(links or {}))
    ticket.number = next_number(principal.workspace_id)
    apply_fields(principal, ticket, data)
    record_change(principal, "create", OBJECT_TYPE, ticket, snapshot(ticket))
    reindex(ticket)
    return ticket


def after_agent_message(principal: Principal, ticket: Ticket, message: TicketMessage) -> None:
    """After a reply: the ticket's first-response and last-agent times, the reply's recipient
    and its email job; then ticket.replied (or ticket.noted for a note)."""
    if message.kind == "reply":
        ticket.first_response_at = ticket.first_response_at or message.created_at
        ticket.last_agent_message_at = message.created_at
        ticket.save(update_fields=["first_response_at", "last_agent_message_at"])
        message.sent_to = ticket.requester.primary_email if ticket.requester else ""
        message.next_attempt_at = message.created_at + REPLY_LEASE
        message.save(update_fields=["sent_to", "next_attempt_at"])
        enqueue_on_commit(SEND_JOB, message.pk)
    emit_message_added(principal, REPLIED if message.kind == "reply" else NOTED, ticket, message)


@transaction.atomic
def create_ticket(
    principal: Principal,
    data: dict[str, Any],
    body: str = "",
    *,
    message_kind: str = "customer",
    attachments: Sequence[UploadedFile] = (),
) -> Ticket:
    """A ticket with its first message: what the customer asked (`customer`, written by the
    requester), or an agent's public reply (`reply`, emailed) or internal note (`note`)."""
    require(principal, "create", OBJECT_TYPE)
    if message_kind not in MESSAGE_KINDS:
        raise Invalid.on("message_kind", f"Choose one of {', '.join(MESSAGE_KINDS)}.")
    data = {"channel": "agent" if principal.token_id is None else "api", **data}
    if message_kind == "reply":
        data.setdefault("status", "pending")
    ticket = open_ticket(principal, data)
    if message_kind == "customer":
        message = write_message(
            ticket, "customer", body, author_contact_id=ticket.requester_id, attachments=attachments
        )
        ticket.last_customer_message_at = message.created_at
        ticket.save(update_fields=["last_customer_message_at"])
        return ticket
    if message_kind == "reply":
        require_email(ticket)
    message = write_message(
        ticket, message_kind, body, author_user_id=principal.user_id, attachments=attachments
    )
    after_agent_message(principal, ticket, message)
    return ticket


def require_email(ticket: Ticket) -> None:
    if ticket.requester is None or not ticket.requester.primary_email:
        raise Invalid.on(
            "body",
            "The requester has no email address, so a reply cannot reach them; add one to "
            "the contact or write an internal note.",
        )


@transaction.atomic
def update_ticket(
    principal: Principal, ticket_id: int, data: dict[str, Any], expected_version: int | None = None
) -> Ticket:
    ticket = lock_record(Ticket, principal, ticket_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, ticket)
    check_version(ticket, expected_version)
    return write_ticket_update(principal, ticket, data)


def write_ticket_update(principal: Principal, ticket: Ticket, data: dict[str, Any]) -> Ticket:
    """update_ticket's write, once the ticket is locked, the right checked and the version
    matched: one audit entry and ticket.updated, and ticket.status_changed on a new status."""
    check_open(ticket)
    before = snapshot(ticket)
    ticket.bump()
    old = apply_fields(principal, ticket, data)
    record_change(principal, "update", OBJECT_TYPE, ticket, diff(before, snapshot(ticket)))
    if old is not None:
        emit_status_changed(principal, ticket, old)
    reindex(ticket)
    return ticket


@transaction.atomic
def delete_ticket(principal: Principal, ticket_id: int) -> None:
    """Move the ticket to the restore bin (its conversation stays with it)."""
    ticket = lock_record(Ticket, principal, ticket_id, deleted=False)
    move_to_bin(principal, ticket, snapshot)
    remove_record(ticket.workspace_id, OBJECT_TYPE, ticket.pk)


@transaction.atomic
def restore_ticket(principal: Principal, ticket_id: int) -> Ticket:
    ticket = lock_record(Ticket, principal, ticket_id, deleted=True)
    restore_from_bin(principal, ticket)
    reindex(ticket)
    return ticket


@transaction.atomic
def hard_delete_ticket(principal: Principal, ticket_id: int) -> None:
    """Erase the ticket for good (admins only) with its conversation; the attachments' files
    are deleted once that commits."""
    ticket = lock_record(Ticket, principal, ticket_id, deleted=None)
    files = [
        (a.file.storage, a.file.name)
        for m in ticket.messages.prefetch_related("attachments")
        for a in m.attachments.all()
    ]
    erase(principal, ticket, snapshot)
    remove_record(ticket.workspace_id, OBJECT_TYPE, ticket_id)
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files: list[tuple[Storage, str | None]]) -> None:
    for storage, name in files:
        if name:
            storage.delete(name)
