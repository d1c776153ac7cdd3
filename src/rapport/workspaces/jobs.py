"""Background jobs of the workspaces app: the emails about invitations and password resets.

Thin on purpose: each calls one function in services/emails.py, which re-reads the database and
does nothing when the email is no longer wanted, so a job that runs twice is harmless.
"""

from __future__ import annotations

from django_tasks import task

from rapport.workspaces.services.emails import email_invitation, email_password_reset


@task()
def send_invitation_email(invitation_id: int, nonce: str) -> bool:
    return email_invitation(invitation_id, nonce)


@task()
def send_password_reset_email(user_id: int) -> bool:
    return email_password_reset(user_id)
