"""Reply emails through a real SMTP server: From the support address, threading headers built
from the ticket's public thread, `[#n] subject`, HTML and text parts, attachments; sent once,
retried with backoff when the server fails, notes never sent."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.tickets.models import TicketMessage
from rapport.tickets.services import (
    add_customer_message,
    add_note,
    add_reply,
    retry_replies,
    send_reply,
    update_ticket_settings,
)
from rapport.tickets.services.emails import BACKOFF, MAX_ATTEMPTS
from tests.smtp import _free_port
from tests.tickets.factories import make_ticket, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(immediate_jobs: None, django_capture_on_commit_callbacks: Any) -> Any:
    """`with jobs():` runs the jobs a write enqueued once it "commits"."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_reply_is_emailed_with_threading_headers(owner, smtp_server, jobs) -> None:
    update_ticket_settings(owner, {"from_email": "help@acme.example", "from_name": "Acme Help"})
    ticket = make_ticket(owner, subject="Printer on fire")
    opening = ticket.messages.get()
    add_note(owner, ticket.pk, "Secret: customer is difficult")
    with jobs():
        first = add_reply(
            owner, ticket.pk, "<p>Please <b>unplug</b> it.</p>", attachments=[upload("steps.txt")]
        )
    [mail] = smtp_server.wait_for(1)
    assert mail["From"] == "Acme Help <help@acme.example>"
    assert mail["To"] == "ada@example.com"
    assert mail["Subject"] == f"[#{ticket.number}] Printer on fire"
    assert mail["Message-ID"] == first.message_id
    assert mail["In-Reply-To"] == opening.message_id
    assert mail["References"] == opening.message_id
    assert "Please unplug it." in smtp_server.body(mail)
    html = mail.get_body(preferencelist=("html",))
    assert html is not None and "<b>unplug</b>" in html.get_content()
    assert "Secret" not in str(mail)
    [part] = list(mail.iter_attachments())
    assert (part.get_filename(), part.get_content()) == ("steps.txt", "hello")
    first.refresh_from_db()
    assert first.sent_at is not None and first.send_attempts == 1 and first.send_error == ""
    assert first.next_attempt_at is None

    customer = add_customer_message(owner, ticket.pk, "Done, still smoking")
    with jobs():
        second = add_reply(owner, ticket.pk, "Call the fire brigade")
    mails = smtp_server.wait_for(2)
    assert len(mails) == 2
    assert mails[1]["In-Reply-To"] == customer.message_id
    assert mails[1]["References"].split() == [
        opening.message_id, first.message_id, customer.message_id
    ]  # fmt: skip
    assert mails[1]["Message-ID"] == second.message_id


def test_a_reply_is_sent_once(owner, smtp_server, jobs) -> None:
    ticket = make_ticket(owner)
    with jobs():
        reply = add_reply(owner, ticket.pk, "Hello")
    smtp_server.wait_for(1)
    assert send_reply(reply.pk) is False
    with jobs():
        assert retry_replies(timezone.now() + dt.timedelta(days=1)) == 0
    assert len(smtp_server.wait_for(2, timeout=0.5)) == 1


def test_notes_and_customer_messages_are_never_sent(owner, smtp_server, jobs) -> None:
    ticket = make_ticket(owner)
    note = add_note(owner, ticket.pk, "Internal")
    assert send_reply(note.pk) is False
    assert send_reply(ticket.messages.order_by("pk")[0].pk) is False
    assert smtp_server.wait_for(1, timeout=0.5) == []


def test_a_failed_send_is_recorded_and_retried_with_backoff(
    owner, settings: Any, smtp_server, jobs
) -> None:
    working_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nothing listens there
    ticket = make_ticket(owner)
    with jobs():
        reply = add_reply(owner, ticket.pk, "Hello")
    reply.refresh_from_db()
    assert reply.sent_at is None and reply.send_attempts == 1
    assert "ConnectionRefusedError" in reply.send_error
    assert reply.next_attempt_at is not None
    failed_at = reply.next_attempt_at - BACKOFF[0]
    assert retry_replies(failed_at) == 0  # not due yet
    settings.EMAIL_PORT = working_port
    past = timezone.now() - dt.timedelta(seconds=1)  # the backoff has passed
    TicketMessage.objects.filter(pk=reply.pk).update(next_attempt_at=past)
    with jobs():
        assert retry_replies(timezone.now()) == 1  # the job runs at once here
    [mail] = smtp_server.wait_for(1)
    assert mail["Message-ID"] == reply.message_id
    reply.refresh_from_db()
    assert (reply.send_attempts, reply.send_error, reply.next_attempt_at) == (2, "", None)
    assert reply.sent_at is not None


def test_sending_gives_up_after_the_last_attempt(owner, settings: Any, jobs) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    ticket = make_ticket(owner)
    with jobs():
        reply = add_reply(owner, ticket.pk, "Hello")
    now = timezone.now()
    for _ in range(MAX_ATTEMPTS - 1):
        now += dt.timedelta(days=1)
        send_reply(reply.pk, now)
    reply.refresh_from_db()
    assert reply.send_attempts == MAX_ATTEMPTS
    assert reply.next_attempt_at is None and reply.sent_at is None and reply.send_error
    assert send_reply(reply.pk, now + dt.timedelta(days=1)) is False
    assert TicketMessage.objects.get(pk=reply.pk).send_attempts == MAX_ATTEMPTS


def test_a_lost_job_is_made_up_for_by_the_sweep(owner, smtp_server) -> None:
    ticket = make_ticket(owner)  # the reply's job never runs here
    reply = add_reply(owner, ticket.pk, "Hello")
    reply.refresh_from_db()
    assert retry_replies(timezone.now()) == 0  # its own job still has time
    assert reply.next_attempt_at is not None
    assert send_reply(reply.pk, reply.next_attempt_at) is True
    [mail] = smtp_server.wait_for(1)
    assert mail["Message-ID"] == reply.message_id
