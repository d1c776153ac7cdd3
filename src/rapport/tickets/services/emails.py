"""Sending a public reply to the requester (run by a job after the reply commits), and the
sweep that retries replies whose sending failed or whose job was lost.

The reply goes out From the workspace's support address with the Message-ID it was stored with
and In-Reply-To / References built from the ticket's public thread, so the customer's mail
program threads it, and the subject `[#123] subject` lets a reply without headers find its
ticket. Sending is at most once per success: a sender first claims the reply with one
conditional UPDATE (attempts + 1, next attempt pushed out), so two jobs never both send it,
and a sent reply is never sent again. A failure records `send_error` and the next attempt
(30 s, 2, 8, 30 minutes, then 2 hours); after MAX_ATTEMPTS the reply stays unsent with its error.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import F, Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from rapport.core.jobs import enqueue_on_commit
from rapport.tickets.models import TicketMessage
from rapport.tickets.queries import ticket_settings
from rapport.tickets.services.tickets import REPLY_LEASE, SEND_JOB

logger = logging.getLogger(__name__)

BACKOFF = (
    dt.timedelta(seconds=30),
    dt.timedelta(minutes=2),
    dt.timedelta(minutes=8),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
RETRY_BATCH = 200


def subject_of(message: TicketMessage) -> str:
    """`[#123] subject`: the ticket token lets a reply that lost its headers find the ticket."""
    return f"[#{message.ticket.number}] {message.ticket.subject}"


def sender_of(message: TicketMessage) -> str:
    found = ticket_settings(message.workspace_id)
    address = found.from_email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    name = found.from_name or message.ticket.workspace.name
    return formataddr((name, address))


def _claim(message_id: int, now: dt.datetime) -> bool:
    """Take the reply for sending: unsent, tries left, and not held by another sender."""
    due = Q(send_attempts=0) | Q(next_attempt_at__lte=now)
    return bool(
        TicketMessage.objects.filter(
            due,
            pk=message_id,
            kind="reply",
            sent_at__isnull=True,
            next_attempt_at__isnull=False,
            send_attempts__lt=MAX_ATTEMPTS,
        ).update(send_attempts=F("send_attempts") + 1, next_attempt_at=now + REPLY_LEASE)
    )


def bodies(message: TicketMessage) -> tuple[str, str]:
    """(text, HTML) of the reply email: the reply's own sanitised body and a footer naming the
    ticket. Built here rather than from templates: the HTML is already clean, and escaping
    the rest keeps it that way."""
    ticket = message.ticket
    footer = f"Ticket #{ticket.number}: reply to this email to add to it."
    text = f"{message.body_text}\n\n-- \n{footer}\n"
    html = format_html(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{}</title></head>'
        "<body>{}<hr><p>{}</p></body></html>",
        subject_of(message),
        mark_safe(message.body_html),  # noqa: S308 - sanitised by core.richtext.clean_html on write
        footer,
    )
    return text, html


def build_email(message: TicketMessage) -> EmailMultiAlternatives:
    text, html = bodies(message)
    headers = {"Message-ID": message.message_id}
    if message.in_reply_to:
        headers["In-Reply-To"] = message.in_reply_to
    if message.references:
        headers["References"] = message.references
    sender = sender_of(message)
    email = EmailMultiAlternatives(
        subject_of(message), text, sender, [message.sent_to], headers=headers
    )
    email.attach_alternative(html, "text/html")
    for attachment in message.attachments.order_by("pk"):
        with attachment.file.open("rb") as handle:
            email.attach(attachment.filename, handle.read(), attachment.content_type)
    return email


def send_reply(message_id: int, now: dt.datetime | None = None) -> bool:
    """Send one reply if it is still due; True when it went out now."""
    now = now or timezone.now()
    if not _claim(message_id, now):
        return False
    message = TicketMessage.objects.select_related("ticket", "ticket__workspace").get(pk=message_id)
    rows = TicketMessage.objects.filter(pk=message_id)
    if not message.sent_to:
        rows.update(send_error="The requester has no email address.", next_attempt_at=None)
        return False
    try:
        build_email(message).send()
    except (smtplib.SMTPException, OSError) as exc:
        attempts = message.send_attempts
        retry = now + BACKOFF[attempts - 1] if attempts < MAX_ATTEMPTS else None
        rows.update(send_error=f"{type(exc).__name__}: {exc}"[:1000], next_attempt_at=retry)
        logger.warning("reply %s not sent (attempt %s): %s", message_id, attempts, exc)
        return False
    rows.update(sent_at=timezone.now(), send_error="", next_attempt_at=None)
    return True


def retry_replies(now: dt.datetime) -> int:
    """Enqueue a send job for each unsent reply whose next attempt is due (the scheduler runs
    it every minute); the number enqueued."""
    due = TicketMessage.objects.filter(
        kind="reply",
        sent_at__isnull=True,
        next_attempt_at__lte=now,
        send_attempts__lt=MAX_ATTEMPTS,
    )
    ids = list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:RETRY_BATCH])
    for message_id in ids:
        enqueue_on_commit(SEND_JOB, message_id)
    return len(ids)
