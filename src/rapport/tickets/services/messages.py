"""Writes that add to a ticket's conversation: an agent's public reply (emailed by a job), an
internal note (never sent) and the customer's message (email channel, portal, or an agent
typing what the customer said on the phone).

A reply sets the first response time once and, unless told another status, moves a new or open
ticket to pending (waiting on the customer). A customer's message reopens a solved ticket and
moves a pending one to open; on a closed ticket it starts a follow-up ticket instead, linked to
the closed one, because a closed ticket never changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from rapport.core.audit import diff, jsonable, record_change
from rapport.core.errors import Invalid
from rapport.core.events import emit_change
from rapport.core.lifecycle import lock_record
from rapport.core.permissions import Principal, require
from rapport.tickets.events import CUSTOMER_REPLIED, emit_message_added, emit_status_changed
from rapport.tickets.models import STATUSES, Ticket, TicketMessage
from rapport.tickets.services.conversation import Headers, write_message
from rapport.tickets.services.fields import OBJECT_TYPE, requester_of
from rapport.tickets.services.tickets import (
    after_agent_message,
    check_open,
    open_ticket,
    reindex,
    require_email,
    set_status,
    snapshot,
)


def _locked(principal: Principal, ticket_id: int) -> Ticket:
    ticket = lock_record(Ticket, principal, ticket_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, ticket)
    return ticket


def _audit(
    principal: Principal,
    action: str,
    ticket: Ticket,
    before: dict[str, Any],
    message: TicketMessage,
    old_status: str | None,
) -> None:
    """One audit entry naming the message and any field it changed; ticket.updated when a
    field changed (so workflows on field changes see a status set by a reply), and the status
    event."""
    changes = diff(before, snapshot(ticket))
    record_change(
        principal, action, OBJECT_TYPE, ticket, changes | {"message_id": [None, message.pk]}
    )
    if changes:
        emit_change(principal, "update", OBJECT_TYPE, ticket.pk, jsonable(changes))
    if old_status is not None:
        emit_status_changed(principal, ticket, old_status)


@transaction.atomic
def add_reply(
    principal: Principal,
    ticket_id: int,
    body: str,
    *,
    status: str | None = None,
    attachments: Sequence[UploadedFile] = (),
) -> TicketMessage:
    """A public reply to the requester, emailed once this commits; the ticket then waits on the
    customer (`status` overrides that, e.g. "solved" to answer and solve at once)."""
    ticket = _locked(principal, ticket_id)
    check_open(ticket)
    if status is not None and status not in STATUSES[1:]:
        raise Invalid.on("status", f"Choose one of {', '.join(STATUSES[1:])}.")
    require_email(ticket)
    before = snapshot(ticket)
    message = write_message(
        ticket, "reply", body, author_user_id=principal.user_id, attachments=attachments
    )
    if status is None:
        status = "pending" if ticket.status in ("new", "open") else ticket.status
    ticket.bump()
    old = set_status(ticket, status)
    ticket.save()
    after_agent_message(principal, ticket, message)
    _audit(principal, "reply", ticket, before, message, old)
    reindex(ticket)
    return message


@transaction.atomic
def add_note(
    principal: Principal,
    ticket_id: int,
    body: str,
    *,
    attachments: Sequence[UploadedFile] = (),
) -> TicketMessage:
    """An internal note: seen by staff who may view the ticket, never sent, never in the portal."""
    ticket = _locked(principal, ticket_id)
    check_open(ticket)
    before = snapshot(ticket)
    message = write_message(
        ticket, "note", body, author_user_id=principal.user_id, attachments=attachments
    )
    ticket.bump()
    ticket.save(update_fields=["version", "updated_at"])
    after_agent_message(principal, ticket, message)
    _audit(principal, "note", ticket, before, message, None)
    return message


@transaction.atomic
def add_customer_message(
    principal: Principal,
    ticket_id: int,
    body: str,
    *,
    contact_id: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    message_id: str = "",
    in_reply_to: str = "",
    references: str = "",
) -> TicketMessage:
    """What the customer wrote (the requester, or `contact_id`), with the headers an inbound
    mail carried. Reopens a solved ticket; on a closed one it opens a linked follow-up ticket,
    which the returned message's `ticket` is."""
    ticket = _locked(principal, ticket_id)
    author = requester_of(principal, contact_id or ticket.requester_id)
    headers = Headers(message_id, in_reply_to, references)
    if ticket.status == "closed":
        return _follow_up(principal, ticket, author.pk, body, attachments, headers)
    before = snapshot(ticket)
    message = write_message(
        ticket, "customer", body, author_contact_id=author.pk, attachments=attachments,
        headers=headers,
    )  # fmt: skip
    ticket.bump(last_customer_message_at=message.created_at)
    status = "open" if ticket.status in ("pending", "solved") else ticket.status
    old = set_status(ticket, status)
    ticket.save()
    _audit(principal, "customer_message", ticket, before, message, old)
    emit_message_added(principal, CUSTOMER_REPLIED, ticket, message)
    return message


def _follow_up(
    principal: Principal,
    closed: Ticket,
    author_id: int,
    body: str,
    attachments: Sequence[UploadedFile],
    headers: Headers,
) -> TicketMessage:
    require(principal, "create", OBJECT_TYPE)
    data: dict[str, Any] = {
        "subject": closed.subject,
        "requester_id": closed.requester_id or author_id,
        "company_id": closed.company_id,
        "channel": closed.channel,
        "priority": closed.priority,
        "type": closed.type,
        "team_id": closed.team_id,
        "status": "open",
    }
    ticket = open_ticket(principal, data, {"follow_up_of_id": closed.pk})
    message = write_message(
        ticket, "customer", body, author_contact_id=author_id, attachments=attachments,
        headers=headers,
    )  # fmt: skip
    ticket.last_customer_message_at = message.created_at
    ticket.save(update_fields=["last_customer_message_at"])
    emit_message_added(principal, CUSTOMER_REPLIED, ticket, message)
    return message
