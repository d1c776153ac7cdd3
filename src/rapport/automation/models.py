"""Workflows, their versions, their runs and each run's steps."""

from __future__ import annotations

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import Record, WorkspaceScoped

RUN_STATUSES = ("queued", "running", "waiting", "retrying", "succeeded", "failed", "cancelled")
OPEN_STATUSES = ("queued", "running", "waiting", "retrying")
STEP_STATUSES = ("succeeded", "failed", "waiting")


def new_hook_secret() -> str:
    return secrets.token_urlsafe(32)


class Workflow(Record):
    """A no-code automation: a trigger, conditions and steps, in numbered versions.

    `trigger_type` and `object_type` repeat the current version's trigger so that matching an
    event to its workflows is one indexed query.
    """

    OBJECT_TYPE = "workflow"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_active = models.BooleanField(default=False)
    # Switched on at: events that happened before it trigger nothing, however late delivered.
    activated_at = models.DateTimeField(null=True, blank=True)
    current_version = models.ForeignKey(
        "automation.WorkflowVersion", null=True, on_delete=models.SET_NULL, related_name="+"
    )
    trigger_type = models.CharField(max_length=30)
    object_type = models.CharField(max_length=40, blank=True)
    paused_reason = models.CharField(max_length=300, blank=True)
    consecutive_failures = models.PositiveIntegerField(default=0)
    # Per-step memory between runs, e.g. {"s2": {"last_user_id": 7}} for round-robin owners.
    state = models.JSONField(default=dict, blank=True)
    hook_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    hook_secret = models.CharField(max_length=64, default=new_hook_secret)
    # Time-based triggers: the moment up to which due records were already looked at.
    checked_until = models.DateTimeField(null=True, blank=True)
    throttled_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["workspace", "is_active", "object_type", "trigger_type"])]

    def __str__(self) -> str:
        return self.name


class WorkflowVersion(models.Model):
    """One saved definition of a workflow; never edited, so runs finish on the one they began."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    definition = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "number"], name="workflow_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.workflow_id} v{self.number}"


class WorkflowRun(WorkspaceScoped):
    """One run of one workflow version on one record (or none, for a schedule or webhook).

    `trigger_key` makes starting idempotent: an event delivered twice, or a date reached twice,
    starts one run. `wake_at` is when a waiting or retrying run goes on, and when a queued one
    was queued. `cursor` is the id of the next step; `context` keeps what earlier steps
    produced (branch choices, created ids) for later ones.
    """

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.CASCADE, related_name="+")
    trigger_key = models.CharField(max_length=120)
    trigger = models.JSONField(default=dict)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.BigIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=[(s, s) for s in RUN_STATUSES])
    cursor = models.CharField(max_length=40, blank=True)
    context = models.JSONField(default=dict, blank=True)
    depth = models.PositiveSmallIntegerField(default=0)
    attempts = models.PositiveSmallIntegerField(default=0)  # of the step at the cursor
    wake_at = models.DateTimeField(null=True, blank=True)
    lease_until = models.DateTimeField(null=True, blank=True)  # while a worker executes it
    claim = models.CharField(max_length=32, blank=True)  # which worker's execution holds it
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workflow", "trigger_key"], name="workflow_run_once")
        ]
        indexes = [
            models.Index(fields=["workspace", "workflow", "-id"]),
            models.Index(fields=["workspace", "object_type", "object_id"]),
            models.Index(
                fields=["wake_at"],
                name="run_wake",
                condition=models.Q(status__in=["queued", "waiting", "retrying"]),
            ),
            models.Index(
                fields=["lease_until"], name="run_lease", condition=models.Q(status="running")
            ),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of workflow {self.workflow_id}"


class RunStep(models.Model):
    """What one step did in one run: its outcome, output, timing and error; one row per try."""

    run = models.ForeignKey(WorkflowRun, on_delete=models.CASCADE, related_name="steps")
    step_id = models.CharField(max_length=40)
    action = models.CharField(max_length=30)
    status = models.CharField(max_length=10, choices=[(s, s) for s in STEP_STATUSES])
    attempt = models.PositiveSmallIntegerField(default=1)
    output = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["run", "id"])]

    def __str__(self) -> str:
        return f"{self.step_id} {self.status}"

    @property
    def duration_ms(self) -> int:
        return int((self.finished_at - self.started_at).total_seconds() * 1000)
