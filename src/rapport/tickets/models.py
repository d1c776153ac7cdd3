"""Ticket, its conversation (TicketMessage, TicketAttachment), followers, numbers and the
workspace's support settings.

A ticket's conversation is a list of messages: what the customer wrote (`customer`), public
replies sent to the requester (`reply`) and internal notes (`note`), which are never sent and
never shown to customers. Every message carries RFC 5322 threading headers, so an inbound mail
can be matched to its ticket by In-Reply-To / References (see `queries.find_ticket_by_headers`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import Record, WorkspaceScoped

CHANNELS = ("email", "portal", "web_form", "api", "phone", "agent")
STATUSES = ("new", "open", "pending", "on_hold", "solved", "closed")
# Statuses of a ticket someone still has to act on (queues, load-balanced assignment).
OPEN_STATUSES = ("new", "open", "pending", "on_hold")
PRIORITIES = ("low", "normal", "high", "urgent")
TYPES = ("question", "incident", "problem", "task")
MESSAGE_KINDS = ("customer", "reply", "note")


class TicketCounter(WorkspaceScoped):
    """The last ticket number of a workspace; it only goes up (locked while a number is taken),
    so numbers are never reused, even for deleted tickets."""

    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"], name="ticketcounter_unique")]

    def __str__(self) -> str:
        return str(self.last)


class Ticket(Record):
    """A customer's request: a numbered conversation with a status, an assignee and a team."""

    number = models.PositiveIntegerField()
    subject = models.CharField(max_length=300)
    requester = models.ForeignKey(
        "contacts.Contact",
        null=True,  # only once the contact is erased for good
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    # The requester's company when the ticket was created; editable.
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    channel = models.CharField(max_length=10, default="agent", choices=[(c, c) for c in CHANNELS])
    status = models.CharField(max_length=10, default="new", choices=[(s, s) for s in STATUSES])
    priority = models.CharField(
        max_length=10, default="normal", choices=[(p, p) for p in PRIORITIES]
    )
    type = models.CharField(max_length=10, blank=True, choices=[(t, t) for t in TYPES])
    team = models.ForeignKey(
        "workspaces.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the assignee is the assignee, written by a workflow's assignment step.
    last_assignment = models.CharField(max_length=300, blank=True)
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="tickets")
    custom = models.JSONField(default=dict, blank=True)
    # A merged ticket is closed and points to the ticket its conversation moved to.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_tickets"
    )
    # A ticket made from one message of another ticket.
    split_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="split_tickets"
    )
    # A ticket opened because the customer wrote to a closed one.
    follow_up_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="follow_ups"
    )
    status_changed_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    last_customer_message_at = models.DateTimeField(null=True, blank=True)
    last_agent_message_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = "assignee"  # "own" scope: tickets assigned to me; "team": to my teammates
    OBJECT_TYPE = "ticket"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "number"], name="ticket_unique_number")
        ]
        indexes = [
            # Queues: by status and assignee (my open, all open, pending, solved).
            models.Index(fields=["workspace", "status", "assignee", "id"]),
            # Team queues: unassigned in my teams.
            models.Index(fields=["workspace", "team", "assignee", "status", "id"]),
            models.Index(fields=["workspace", "requester", "id"]),
            models.Index(fields=["workspace", "company", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
            models.Index(fields=["status", "solved_at"]),  # the auto-close sweep
        ]

    def __str__(self) -> str:
        return f"#{self.number} {self.subject}"


class TicketFollower(WorkspaceScoped):
    """A user who follows a ticket (is told about its changes); not a right to see it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="followers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ticket", "user"], name="ticketfollower_unique")
        ]
        indexes = [models.Index(fields=["workspace", "user", "ticket"])]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.ticket_id}"


def new_message_id(domain: str) -> str:
    """An RFC 5322 Message-ID, angle brackets included: <uuid@domain>."""
    return f"<{uuid.uuid4().hex}@{domain}>"


class TicketMessage(WorkspaceScoped):
    """One message of a ticket's conversation: the customer's, a public reply or a note.

    `message_id` is the Message-ID the message was sent or received with (unique per workspace,
    angle brackets included); `in_reply_to` and `references` are the threading headers, so a
    reply built from the thread and an inbound mail naming any of them find their ticket.
    Replies are sent by a job: `sent_at` once delivered; while sending fails, `send_error`,
    `send_attempts` and `next_attempt_at` (backoff) say what happened and when it is tried again.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="messages")
    kind = models.CharField(max_length=10, choices=[(k, k) for k in MESSAGE_KINDS])
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    body_html = models.TextField(blank=True)  # sanitised (core.richtext.clean_html)
    body_text = models.TextField(blank=True)  # html_to_text(body_html)
    message_id = models.CharField(max_length=255)
    in_reply_to = models.CharField(max_length=255, blank=True)
    references = models.TextField(blank=True)  # space-separated Message-IDs, oldest first
    created_at = models.DateTimeField(default=timezone.now)
    # Delivery of a public reply.
    sent_to = models.CharField(max_length=254, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    send_error = models.TextField(blank=True)
    send_attempts = models.PositiveSmallIntegerField(default=0)
    # When the retry sweep may (re)send an unsent reply; None once sent or given up.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    # The ticket this message was first written on, when a merge moved it.
    moved_from = models.ForeignKey(
        Ticket, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "message_id"], name="ticketmessage_unique_message_id"
            )
        ]
        indexes = [
            models.Index(fields=["ticket", "created_at", "id"]),
            models.Index(fields=["next_attempt_at"]),  # the reply retry sweep
        ]

    def __str__(self) -> str:
        return f"{self.kind} on ticket {self.ticket_id}"


def attachment_path(instance: TicketAttachment, filename: str) -> str:
    """Where an attachment's file is stored: per workspace, under a random folder, so names
    never clash and cannot be guessed."""
    return f"tickets/{instance.workspace_id}/{uuid.uuid4().hex}/{filename}"


class TicketAttachment(WorkspaceScoped):
    """A file attached to a message, stored through Django's storage API and served only to
    people who may view the ticket (never from a public URL)."""

    message = models.ForeignKey(TicketMessage, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=500)
    filename = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()  # bytes
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["workspace", "message"])]

    def __str__(self) -> str:
        return self.filename


class TicketSettings(WorkspaceScoped):
    """A workspace's support settings, created on first use with the defaults."""

    auto_close_days = models.PositiveSmallIntegerField(default=4)  # solved -> closed after
    from_email = models.CharField(max_length=254, blank=True)  # "" : DEFAULT_FROM_EMAIL
    from_name = models.CharField(max_length=100, blank=True)  # "" : the workspace's name
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace"], name="ticketsettings_unique")]

    def __str__(self) -> str:
        return f"ticket settings of workspace {self.workspace_id}"
