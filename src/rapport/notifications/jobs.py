"""Background jobs of notifications: the email of one notification.

Thin on purpose: it calls services.email_notification, which re-reads the recipient's seat and
choice and sends nothing when the email is no longer wanted, so a job that runs twice is
harmless (at worst one email twice, as with invitations).
"""

from __future__ import annotations

from django_tasks import task

from rapport.notifications.services import email_notification


@task()
def send_notification_email(
    workspace_id: int, user_id: int, kind: str, title: str, body: str, url: str
) -> bool:
    return email_notification(workspace_id, user_id, kind, title, body, url)
