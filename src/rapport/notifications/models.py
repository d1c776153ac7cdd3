"""Notification (one message to one user) and NotificationPreference (a user's choice per kind)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class Notification(WorkspaceScoped):
    """A message to one member about something that happened, linking to the record it concerns.

    Written only by `notifications.services.notify`. `url` is computed there from object_type
    and object_id (a path such as /contacts/12), so the centre needs no join to link an item.
    `event_id` is the domain event that caused it, if any: the unique constraint makes a
    redelivered event notify nobody twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)  # a key of notifications.kinds.KINDS
    title = models.CharField(max_length=200)
    body = models.CharField(max_length=500, blank=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    url = models.CharField(max_length=300, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    event_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    # Personal: only its recipient ever reads or changes it (see notifications.queries).
    OWNER_FIELD = "user"
    OBJECT_TYPE = "notification"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event_id", "kind"],
                condition=Q(event_id__isnull=False),
                name="notification_unique_event",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "user", "-id"], name="notification_list"),
            # The unread list and the bell's count read only this small part.
            models.Index(
                fields=["workspace", "user", "-id"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(WorkspaceScoped):
    """Whether a member gets one kind of notification in the app and by email, in a workspace.

    Only choices a member saved have a row; other kinds follow `kinds.KINDS` defaults.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=40)
    in_app = models.BooleanField()
    by_email = models.BooleanField()

    OWNER_FIELD = "user"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "kind"], name="notificationpreference_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}: app={self.in_app} email={self.by_email}"
