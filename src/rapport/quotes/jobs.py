"""Background jobs of quotes: the email that sends one (thin: see services/emails.py)."""

from __future__ import annotations

from django_tasks import task

from rapport.quotes.services.emails import email_quote


@task()
def send_quote_email(quote_id: int, version: int, to: str, message: str) -> bool:
    return email_quote(quote_id, version, to, message)
