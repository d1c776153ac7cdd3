"""Activity: a note, call, meeting, logged email or task on a record, shown on its timeline."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rapport.core.tenancy import Record

KINDS = ("note", "call", "meeting", "email", "task")


class Activity(Record):
    """Linked to its record through one nullable foreign key per record type (one is set)."""

    kind = models.CharField(max_length=10, choices=[(k, k) for k in KINDS])
    contact = models.ForeignKey(
        "contacts.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.CASCADE, related_name="activities"
    )
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    # When it happened (note, call, email) or starts (meeting); tasks use due_at.
    occurred_at = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # call
    direction = models.CharField(max_length=10, blank=True)  # inbound, outbound
    duration_seconds = models.PositiveIntegerField(null=True, blank=True)
    outcome = models.CharField(max_length=40, blank=True)
    # meeting
    ends_at = models.DateTimeField(null=True, blank=True)
    attendees = models.JSONField(default=list, blank=True)  # [{"email":..,"name":..}]
    # task
    due_at = models.DateTimeField(null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    priority = models.CharField(max_length=10, blank=True)  # low, normal, high
    is_done = models.BooleanField(default=False)
    done_at = models.DateTimeField(null=True, blank=True)
    # When its assignee was reminded it is due (notifications.services.remind_due_tasks); a new
    # due_at clears it.
    reminded_at = models.DateTimeField(null=True, blank=True)

    OBJECT_TYPE = "activity"

    class Meta:
        verbose_name_plural = "activities"
        indexes = [
            models.Index(fields=["workspace", "contact", "-occurred_at", "-id"]),
            models.Index(fields=["workspace", "company", "-occurred_at", "-id"]),
            models.Index(fields=["workspace", "deal", "-occurred_at", "-id"]),
            models.Index(fields=["workspace", "assignee", "is_done", "due_at"]),
            models.Index(fields=["workspace", "-occurred_at", "-id"]),
            # The reminder's scan across workspaces reads only open tasks not yet reminded.
            models.Index(
                fields=["due_at"],
                condition=models.Q(
                    kind="task", is_done=False, reminded_at__isnull=True, deleted_at__isnull=True
                ),
                name="activity_reminder_due",
            ),
        ]

    def __str__(self) -> str:
        return self.subject or f"{self.kind} #{self.pk}"
