"""Writing one message of a ticket's conversation: its sanitised body, its threading headers and
its attachments (size-limited, stored through Django's storage API).

The services of tickets, replies, notes and customer messages call `write_message` inside their
transaction; it neither checks rights nor audits (its caller does both).
"""

from __future__ import annotations

import mimetypes
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from rapport.core.errors import FieldError, Invalid
from rapport.core.richtext import clean_html, html_to_text
from rapport.tickets.models import Ticket, TicketAttachment, TicketMessage, new_message_id
from rapport.tickets.queries import ticket_settings

MAX_BODY = 200_000  # characters of sanitised HTML
MAX_ATTACHMENTS = 20  # per message
MAX_REFERENCES = 20  # Message-IDs kept in References (RFC 5322 lets us trim the middle)
PUBLIC_KINDS = ("customer", "reply")
_UNSAFE_NAME = re.compile(r"[^\w.\- ()\[\]]+")


@dataclass(frozen=True)
class Headers:
    """Threading headers an inbound mail arrived with ("" where it had none)."""

    message_id: str = ""
    in_reply_to: str = ""
    references: str = ""


def message_domain(workspace_id: int) -> str:
    """The domain of the Message-IDs we make: the support address's, else the default sender's."""
    address = ticket_settings(workspace_id).from_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "rapport.invalid"


def clean_body(body: str, loc: str = "body") -> tuple[str, str]:
    """(sanitised HTML, its plain text) of what was written (HTML or plain text)."""
    html = clean_html(body or "")
    if len(html) > MAX_BODY:
        raise Invalid.on(loc, f"A message can be at most {MAX_BODY:,} characters long.")
    return html, html_to_text(html)


def safe_filename(name: str) -> str:
    base = os.path.basename((name or "").replace("\\", "/")).strip()
    cleaned = _UNSAFE_NAME.sub("_", base).strip(" .")[:200]
    return cleaned or "attachment"


def check_attachments(files: Sequence[UploadedFile], loc: str = "attachments") -> None:
    """Refuse too many or too large files before anything is stored, naming each one."""
    limit = settings.TICKET_ATTACHMENT_MAX_BYTES
    problems = [
        FieldError(
            (loc, i),
            f"{safe_filename(f.name or '')} is {filesizeformat(f.size or 0)}; attachments "
            f"can be at most {filesizeformat(limit)}.",
            "too_large",
        )
        for i, f in enumerate(files)
        if (f.size or 0) > limit
    ]
    if len(files) > MAX_ATTACHMENTS:
        problems.append(FieldError((loc,), f"Attach at most {MAX_ATTACHMENTS} files.", "too_many"))
    if problems:
        raise Invalid("Some attachments cannot be added.", problems)


def _thread_of(ticket: Ticket) -> list[str]:
    """The Message-IDs of the ticket's public messages, oldest first (notes are never sent)."""
    rows = ticket.messages.filter(kind__in=PUBLIC_KINDS).order_by("created_at", "pk")
    return [m for m in rows.values_list("message_id", flat=True) if m]


def thread_headers(ticket: Ticket) -> tuple[str, str]:
    """(In-Reply-To, References) for a new public message of the ticket."""
    thread = _thread_of(ticket)
    if not thread:
        return "", ""
    if len(thread) > MAX_REFERENCES:  # keep the first (the thread's root) and the latest
        thread = [thread[0], *thread[-(MAX_REFERENCES - 1) :]]
    return thread[-1], " ".join(thread)


def _store(message: TicketMessage, files: Sequence[UploadedFile]) -> list[TicketAttachment]:
    stored = []
    for upload in files:
        name = safe_filename(upload.name or "")
        content_type = (
            getattr(upload, "content_type", None)
            or mimetypes.guess_type(name)[0]
            or "application/octet-stream"
        )
        attachment = TicketAttachment(
            workspace_id=message.workspace_id,
            message=message,
            filename=name,
            content_type=content_type[:100],
            size=upload.size or 0,
        )
        # Written before the row commits: Django has no rollback hook, so a write that fails
        # after this leaves an unreferenced file (harmless: its name is random and never served).
        attachment.file.save(name, upload, save=False)
        attachment.save()
        stored.append(attachment)
    return stored


def write_message(
    ticket: Ticket,
    kind: str,
    body: str,
    *,
    author_user_id: int | None = None,
    author_contact_id: int | None = None,
    attachments: Sequence[UploadedFile] = (),
    headers: Headers | None = None,
) -> TicketMessage:
    """Add a message to the ticket (saved, with its attachments); no rights, no audit."""
    html, text = clean_body(body)
    if not html and not attachments:
        raise Invalid.on("body", "Write a message or attach a file.")
    check_attachments(attachments)
    headers = headers or Headers()
    in_reply_to, references = headers.in_reply_to, headers.references
    if kind in PUBLIC_KINDS and not headers.message_id:
        in_reply_to, references = thread_headers(ticket)
    message = TicketMessage.objects.create(
        workspace_id=ticket.workspace_id,
        ticket=ticket,
        kind=kind,
        author_user_id=author_user_id,
        author_contact_id=author_contact_id,
        body_html=html,
        body_text=text,
        message_id=headers.message_id[:255] or new_message_id(message_domain(ticket.workspace_id)),
        in_reply_to=in_reply_to[:255],
        references=references,
        created_at=timezone.now(),
    )
    _store(message, attachments)
    return message
