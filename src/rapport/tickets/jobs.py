"""Background jobs of tickets: sending a public reply (thin: see services/emails.py)."""

from __future__ import annotations

from django_tasks import task

from rapport.tickets.services.emails import send_reply


@task()
def send_ticket_reply(message_id: int) -> bool:
    return send_reply(message_id)
