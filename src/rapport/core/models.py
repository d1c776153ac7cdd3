"""Core tables: the audit log, idempotent responses, rate counters, the event outbox, leases
and schedules."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils import timezone


class AppendOnlyQuerySet(models.QuerySet["AuditEntry"]):
    """The audit log is append-only: the application has no path that edits or deletes it."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log is append-only")

    def delete(self) -> NoReturn:
        raise PermissionError("the audit log is append-only")


class AuditEntry(models.Model):
    """One create, update, delete, restore or merge of one record, with its field changes.

    An action on a whole object type (an export) has object_id 0 and its parameters in `changes`.
    """

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    actor_user = models.ForeignKey(
        "workspaces.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_token_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=32)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    object_repr = models.CharField(max_length=300, blank=True)
    # {"field": [before, after], ...} for updates; the full snapshot for create and delete.
    changes = models.JSONField(default=dict)
    request_id = models.CharField(max_length=64, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "object_type", "object_id", "-created_at"]),
            models.Index(fields=["workspace", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_type} {self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("the audit log is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise PermissionError("the audit log is append-only")


class IdempotencyRecord(models.Model):
    """The first response to a POST with an Idempotency-Key, replayed for repeats."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    principal_key = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status = models.PositiveSmallIntegerField()
    body = models.BinaryField()
    headers = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "principal_key", "key"], name="idempotency_unique_key"
            )
        ]

    def __str__(self) -> str:
        return self.key


class RateCounter(models.Model):
    """Hits of one rate-limit bucket in one fixed window; unlogged on PostgreSQL (losable)."""

    bucket = models.CharField(max_length=200)
    window_start = models.BigIntegerField()  # seconds since the epoch
    expires = models.BigIntegerField()  # window end, seconds since the epoch
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["bucket", "window_start"], name="ratecounter_bucket_window"
            )
        ]
        indexes = [models.Index(fields=["expires"])]

    def __str__(self) -> str:
        return f"{self.bucket}@{self.window_start}: {self.hits}"


class OutboxEvent(models.Model):
    """A domain event, written in the transaction of its change and then dispatched.

    `dispatched_at` is set once every consumer has taken it (or it gave up after repeated
    failures, with `last_error`); `delivered_to` lists the consumers that already took it, so a
    retry after one consumer failed does not deliver twice to the others.
    """

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(max_length=80)
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    payload = models.JSONField(default=dict)
    actor_user_id = models.BigIntegerField(null=True, blank=True)
    actor_label = models.CharField(max_length=200, blank=True)
    # How many workflow steps led to this change (0: a person or an API client made it).
    depth = models.PositiveSmallIntegerField(default=0)
    workflow_id = models.BigIntegerField(null=True, blank=True)  # the workflow that made it
    occurred_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    delivered_to = models.JSONField(default=list)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_at = models.DateTimeField(null=True, blank=True)  # after a failed delivery
    last_error = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_pending",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["workspace", "object_type", "object_id", "id"]),
            models.Index(fields=["occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.object_id}"


class Lease(models.Model):
    """A named lock with an expiry: at most one holder at a time, taken over once it expires.

    The scheduler and the event dispatcher hold one each, so several workers can run and only
    one of them acts; a holder that dies (SIGKILL) loses its lease when it expires.
    """

    name = models.CharField(max_length=60, primary_key=True)
    holder = models.CharField(max_length=100, blank=True)
    expires_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} held by {self.holder or 'nobody'}"


class Schedule(models.Model):
    """A recurring piece of system work (see rapport.core.scheduler), and when it runs next."""

    name = models.CharField(max_length=80, unique=True)
    next_run_at = models.DateTimeField()
    last_run_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name
