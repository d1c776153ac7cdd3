"""API shapes of tickets, their messages and attachments, bulk changes, merge, split, follow and
the support settings. Input schemas refuse unknown and read-only fields (422)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.companies.schemas import TagRef, tag_refs
from rapport.core.api_support import ListParams, RecordId
from rapport.customfields.models import CustomField
from rapport.customfields.queries import visible_custom
from rapport.tickets.models import Ticket, TicketAttachment, TicketMessage, TicketSettings

TicketChannel = Literal["email", "portal", "web_form", "api", "phone", "agent"]
TicketStatus = Literal["new", "open", "pending", "on_hold", "solved", "closed"]
TicketPriority = Literal["low", "normal", "high", "urgent"]
TicketType = Literal["question", "incident", "problem", "task", ""]
TicketView = Literal["my_open", "unassigned", "all_open", "pending", "solved", "all"]
TagRefs = list[RecordId | str]


class TicketUpdate(Schema):
    """Every field optional. A closed ticket cannot change (409); a ticket cannot go back to
    new; the assignee must be in the ticket's team."""

    model_config = ConfigDict(extra="forbid")

    subject: str | None = None
    requester_id: RecordId | None = None
    company_id: RecordId | None = None
    channel: TicketChannel | None = None
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    type: TicketType | None = None
    team_id: RecordId | None = None
    assignee_id: RecordId | None = None
    tags: TagRefs | None = Field(None, description="Tag ids or names; replaces the list.")
    custom: dict[str, Any] | None = None


class TicketCreate(TicketUpdate):
    """A ticket with its first message: by default what the customer asked (written by the
    requester); `message_kind` "reply" emails it to the requester, "note" keeps it internal."""

    subject: str
    requester_id: RecordId
    body: str = Field(description="HTML or plain text; sanitised.")
    message_kind: Literal["customer", "reply", "note"] = "customer"


class TicketListParams(ListParams):
    """A queue (`view`) and shortcuts for the commonest filters, beside `filter` terms."""

    view: TicketView | None = Field(None, description="my_open, unassigned (in my teams) ...")
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    assignee_id: RecordId | None = None
    team_id: RecordId | None = None
    requester_id: RecordId | None = None
    company_id: RecordId | None = None
    tag: str | None = Field(None, description="A tag's name.")

    def terms(self) -> list[str]:
        shortcuts = ("status", "priority", "assignee_id", "team_id", "requester_id", "company_id")
        terms = [f"{name}:eq:{getattr(self, name)}" for name in shortcuts if getattr(self, name)]
        if self.tag:
            terms.append(f"tags:eq:{self.tag}")
        return [*self.filter, *terms]


class TicketPersonRef(Schema):
    id: int
    name: str
    email: str


class TicketRead(Schema):
    id: int
    number: int
    subject: str
    requester_id: int | None
    requester: TicketPersonRef | None
    company_id: int | None
    channel: TicketChannel
    status: TicketStatus
    priority: TicketPriority
    type: TicketType
    team_id: int | None
    assignee_id: int | None
    last_assignment: str = Field(description="Why the assignee is the assignee (workflows).")
    tags: list[TagRef]
    custom: dict[str, Any]
    merged_into_id: int | None = Field(description="The ticket this one was merged into.")
    split_from_id: int | None = Field(description="The ticket a message was split from.")
    follow_up_of_id: int | None = Field(description="The closed ticket this one follows up.")
    status_changed_at: dt.datetime
    first_response_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    last_customer_message_at: dt.datetime | None
    last_agent_message_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class TicketAttachmentRead(Schema):
    id: int
    filename: str
    content_type: str
    size: int = Field(description="Bytes.")
    url: str = Field(description="Download (needs the right to view the ticket).")


class TicketMessageCreate(Schema):
    """A public reply (emailed), an internal note, or what the customer said (`customer`).
    To attach files, send multipart/form-data: this JSON in a `payload` part and each file in
    an `attachments` part."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["reply", "note", "customer"]
    body: str = Field("", description="HTML or plain text; sanitised.")
    status: TicketStatus | None = Field(
        None, description="reply: the status after it (default: pending if new or open)."
    )
    contact_id: RecordId | None = Field(None, description="customer: who wrote (the requester).")


class TicketMessageRead(Schema):
    id: int
    ticket_id: int
    kind: Literal["customer", "reply", "note"]
    author_user_id: int | None
    author_contact_id: int | None
    body_html: str
    body_text: str
    message_id: str = Field(description="The email Message-ID, angle brackets included.")
    in_reply_to: str
    references: str
    created_at: dt.datetime
    sent_to: str
    sent_at: dt.datetime | None = Field(description="When the reply was emailed.")
    send_error: str = Field(description="Why the last attempt to email it failed.")
    moved_from_id: int | None = Field(description="The ticket it was on before a merge/split.")
    attachments: list[TicketAttachmentRead]


class TicketBulkUpdate(Schema):
    """The same change on each ticket, all or none."""

    model_config = ConfigDict(extra="forbid")

    ids: list[RecordId] = Field(min_length=1, max_length=500)
    status: TicketStatus | None = None
    priority: TicketPriority | None = None
    type: TicketType | None = None
    assignee_id: RecordId | None = None
    team_id: RecordId | None = None
    add_tags: TagRefs | None = None
    remove_tags: TagRefs | None = None


class TicketBulkResult(Schema):
    updated: int


class TicketMerge(Schema):
    model_config = ConfigDict(extra="forbid")

    merged_id: RecordId = Field(description="The ticket merged into this one (it is closed).")


class TicketSplit(Schema):
    model_config = ConfigDict(extra="forbid")

    message_id: RecordId = Field(description="A customer's message of this ticket.")
    subject: str = Field("", description="The new ticket's subject (default: this one's).")


class TicketFollow(Schema):
    model_config = ConfigDict(extra="forbid")

    user_id: RecordId | None = Field(None, description="Default: you.")


class TicketFollowersRead(Schema):
    user_ids: list[int]


class TicketSettingsUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    auto_close_days: int | None = Field(None, ge=0, le=365, description="0: never.")
    from_email: str | None = None
    from_name: str | None = None


class TicketSettingsRead(Schema):
    auto_close_days: int
    from_email: str
    from_name: str
    version: int


PLAIN = (
    "number", "subject", "requester_id", "company_id", "channel", "status", "priority", "type",
    "team_id", "assignee_id", "last_assignment", "merged_into_id", "split_from_id",
    "follow_up_of_id", "status_changed_at", "first_response_at", "solved_at", "closed_at",
    "last_customer_message_at", "last_agent_message_at", "version", "created_at", "updated_at",
    "deleted_at",
)  # fmt: skip


def ticket_body(ticket: Ticket, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API shape of a ticket read with tickets.queries.SELECTED and RELATED."""
    body: dict[str, Any] = {"id": ticket.pk, **{name: getattr(ticket, name) for name in PLAIN}}
    requester = ticket.requester
    body["requester"] = (
        None
        if requester is None
        else {"id": requester.pk, "name": str(requester), "email": requester.primary_email}
    )
    body["tags"] = tag_refs(ticket)
    body["custom"] = visible_custom(ticket.custom, custom_fields)
    return body


def attachment_url(ticket_id: int, attachment: TicketAttachment) -> str:
    return f"/api/v1/tickets/{ticket_id}/attachments/{attachment.pk}"


def message_body(message: TicketMessage) -> dict[str, Any]:
    """The API shape of a message read with tickets.queries.messages_of (`files` loaded)."""
    plain = (
        "ticket_id", "kind", "author_user_id", "author_contact_id", "body_html", "body_text",
        "message_id", "in_reply_to", "references", "created_at", "sent_to", "sent_at",
        "send_error", "moved_from_id",
    )  # fmt: skip
    body: dict[str, Any] = {"id": message.pk, **{name: getattr(message, name) for name in plain}}
    files = getattr(message, "files", None)
    attachments = files if files is not None else list(message.attachments.order_by("pk"))
    body["attachments"] = [
        {
            "id": a.pk,
            "filename": a.filename,
            "content_type": a.content_type,
            "size": a.size,
            "url": attachment_url(message.ticket_id, a),
        }
        for a in attachments
    ]
    return body


def settings_body(found: TicketSettings) -> dict[str, Any]:
    names = ("auto_close_days", "from_email", "from_name", "version")
    return {name: getattr(found, name) for name in names}
