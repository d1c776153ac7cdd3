"""Running workflows: starting runs, executing their steps once each, waits, retries, pausing.

Each step is one transaction: the run row is locked, the step's action runs through the record
services, its RunStep row is written and the cursor moves on, all committed together. A worker
killed at any point leaves the run either before the step or after it, never half-way, and the
run is resumed from its cursor (a run whose worker stopped renewing its lease is picked up by
the wake sweep), so every database effect is applied once. Steps that call out (EXTERNAL) make
their call before that transaction and may repeat after a crash: at least once, with a key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from rapport.automation import definitions as d
from rapport.automation.actions import EXTERNAL, Outcome, StepContext, perform
from rapport.automation.models import (
    RunStep,
    Workflow,
    WorkflowRun,
    WorkflowVersion,
)
from rapport.automation.record_types import RECORD_TYPES
from rapport.core.errors import NotFound, RapportError
from rapport.core.events import DEPTH_KEY, WORKFLOW_KEY
from rapport.core.jobs import enqueue_on_commit
from rapport.core.permissions import Principal, system_principal
from rapport.notifications.services import notify

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 4  # tries of one step before the run fails
RETRY_BASE = dt.timedelta(seconds=30)  # then 2, 8 minutes: x4 each time
PAUSE_AFTER_FAILURES = 5  # failed runs in a row before the workflow is paused
MAX_STEPS_PER_JOB = 200
JOB = "rapport.automation.jobs.execute_workflow_run"
REQUEUE_AFTER = dt.timedelta(minutes=2)  # a queued run nobody took for this long is sent again


_PARSED: dict[tuple[int, str], d.Definition] = {}


def parsed_version(version: WorkflowVersion | None) -> d.Definition:
    """A version's definition, parsed once per process: versions are never edited, so the row's
    id and creation time name its content (cheaper per event than hashing the definition)."""
    if version is None:
        raise NotFound("The workflow has no version.")
    key = (version.pk, version.created_at.isoformat())
    parsed = _PARSED.get(key)
    if parsed is None:
        if len(_PARSED) > 2048:
            _PARSED.clear()
        parsed = _PARSED[key] = d.parse_definition(version.definition)
    return parsed


def definition_of(run: WorkflowRun) -> d.Definition:
    return parsed_version(run.version)


def workflow_principal(workflow: Workflow, depth: int) -> Principal:
    """Workflows act for the workspace, labelled with their name in audit and events."""
    base = system_principal(workflow.workspace_id)
    extra = {"label": f"Workflow: {workflow.name}"[:200], DEPTH_KEY: depth + 1,
             WORKFLOW_KEY: workflow.pk}  # fmt: skip
    return dataclasses.replace(base, extra=extra)


def start_run(
    workflow: Workflow,
    trigger_key: str,
    trigger: dict[str, Any],
    object_id: int | None,
    depth: int = 0,
    inline: bool = False,
) -> WorkflowRun | None:
    """Start a run of the current version, once per trigger key; None if it already ran.

    A job runs it; or, `inline`, the current thread right after the transaction commits (the
    dispatcher: no queue in between). A run that never got going is re-queued by the sweep.
    """
    version = workflow.current_version
    definition = parsed_version(version)
    assert version is not None  # parsed_version raised otherwise
    try:
        with transaction.atomic():
            run = WorkflowRun.objects.create(
                workspace_id=workflow.workspace_id,
                workflow=workflow,
                version=version,
                trigger_key=trigger_key[:120],
                trigger=trigger,
                object_type=workflow.object_type if object_id is not None else "",
                object_id=object_id,
                status="queued",
                wake_at=timezone.now(),  # for a queued run: since when it waits
                cursor=definition.steps[0].id,
                depth=depth,
            )
    except IntegrityError:
        return None
    if inline:  # the dispatcher runs it as soon as its batch commits, in its own thread
        transaction.on_commit(lambda: execute_run(run.pk, hand_off=True), robust=True)
    else:
        enqueue_on_commit(JOB, run.pk)
    return run


def _index(steps: list[Any]) -> dict[str, tuple[Any, list[Any], int, str | None]]:
    """step id -> (step, its list, its position, the id of the branch holding the list)."""
    found: dict[str, tuple[Any, list[Any], int, str | None]] = {}

    def visit(items: list[Any], parent: str | None) -> None:
        for i, step in enumerate(items):
            found[step.id] = (step, items, i, parent)
            if isinstance(step, d.Branch):
                visit(step.then, step.id)
                visit(step.otherwise, step.id)

    visit(steps, None)
    return found


def next_step_id(definition: d.Definition, step_id: str, branch: str | None = None) -> str:
    """The step after `step_id` ("" at the end); into the chosen arm after a branch."""
    index = _index(definition.steps)
    step, items, i, parent = index[step_id]
    if branch is not None:
        arm = step.then if branch == "then" else step.otherwise
        if arm:
            return str(arm[0].id)
    while True:
        if i + 1 < len(items):
            return str(items[i + 1].id)
        if parent is None:
            return ""
        _, items, i, parent = index[parent]


def _context(run: WorkflowRun, now: dt.datetime) -> StepContext:
    workflow = run.workflow
    kind = RECORD_TYPES.get(run.object_type) if run.object_id is not None else None
    return StepContext(run, workflow, workflow_principal(workflow, run.depth), kind, now)


def execute_run(run_id: int, now: dt.datetime | None = None, hand_off: bool = False) -> str:
    """Run steps until the run waits, ends or fails; returns its status.

    With `hand_off` (the dispatcher running a run it just started), a step that calls out is
    left to a job instead, so the dispatcher never waits on the network.
    """
    token = uuid.uuid4().hex
    status = ""
    for _ in range(MAX_STEPS_PER_JOB):
        status, more = _advance(run_id, now or timezone.now(), token, hand_off)
        if not more:
            break
    return status


def _claimable(now: dt.datetime, token: str) -> Q:
    """Runs due to go on: queued or woken, or running for this claim or for a dead worker."""
    due = Q(status__in=("queued", "waiting", "retrying")) & (
        Q(wake_at__isnull=True) | Q(wake_at__lte=now) | Q(status="queued")
    )
    return due | Q(status="running", claim=token) | Q(status="running", lease_until__lt=now)


def _claim(run_id: int, now: dt.datetime, token: str) -> WorkflowRun | None:
    """Take the run for this worker with one conditional UPDATE (atomic on SQLite too), so two
    workers, or a job and the dispatcher, never run the same step; then read it."""
    lease = now + dt.timedelta(seconds=settings.WORKFLOW_STALL_SECONDS)
    taken = WorkflowRun.objects.filter(_claimable(now, token), pk=run_id).update(
        status="running", claim=token, lease_until=lease, wake_at=None
    )
    if not taken:
        return None
    return WorkflowRun.objects.select_related("workflow", "version").get(pk=run_id)


def _held(run_id: int, token: str) -> WorkflowRun | None:
    """The run, locked, while this worker's claim holds."""
    return (
        WorkflowRun.objects.select_for_update()
        .select_related("workflow", "version")
        .filter(pk=run_id, status="running", claim=token)
        .first()
    )


def _hand_over(run: WorkflowRun, now: dt.datetime) -> tuple[str, bool]:
    """Give the run back to the queue for a job to go on with."""
    WorkflowRun.objects.filter(pk=run.pk, claim=run.claim).update(
        status="queued", claim="", lease_until=None, wake_at=now
    )
    enqueue_on_commit(JOB, run.pk)
    return "queued", False


def _advance(run_id: int, now: dt.datetime, token: str, hand_off: bool) -> tuple[str, bool]:
    """One step; (status, whether to go on)."""
    with transaction.atomic():
        run = _claim(run_id, now, token)
        if run is None:
            return "", False
        definition = definition_of(run)
        if not run.cursor:
            return _finish(run, "succeeded", now), False
        step = _index(definition.steps)[run.cursor][0]
        if step.type in EXTERNAL and hand_off:
            return _hand_over(run, now)
    outcome: Outcome | BaseException | None = None
    if step.type in EXTERNAL:
        outcome = _attempt(run, step, now)  # the network call, outside any transaction
    with transaction.atomic():
        run = _held(run_id, token)
        if run is None or run.cursor != step.id:
            return "", False  # another worker took over (this one was presumed dead)
        if outcome is None:
            try:
                with transaction.atomic():
                    outcome = _attempt(run, step, now)
                    if isinstance(outcome, BaseException):
                        raise _RolledBack
            except _RolledBack:
                pass
        assert outcome is not None
        return _record(run, definition, step, outcome, now)


class _RolledBack(Exception):
    """Undo a failed step's partial writes (its savepoint) and record the failure."""


def _attempt(run: WorkflowRun, step: Any, now: dt.datetime) -> Outcome | BaseException:
    try:
        return perform(_context(run, now), step)
    except (RapportError, OSError, ValueError) as exc:
        return exc


def _record(
    run: WorkflowRun,
    definition: d.Definition,
    step: Any,
    outcome: Outcome | BaseException,
    now: dt.datetime,
) -> tuple[str, bool]:
    attempt = run.attempts + 1
    finished = timezone.now()
    if isinstance(outcome, BaseException):
        RunStep.objects.create(
            run=run, step_id=step.id, action=step.type, status="failed", attempt=attempt,
            error=_message(outcome), started_at=now, finished_at=finished,
        )  # fmt: skip
        return _failed(run, outcome, now), False
    waiting = outcome.wake_at is not None
    RunStep.objects.create(
        run=run, step_id=step.id, action=step.type, status="waiting" if waiting else "succeeded",
        attempt=attempt, output=outcome.output, started_at=now, finished_at=finished,
    )  # fmt: skip
    run.cursor = next_step_id(definition, step.id, outcome.branch)
    run.attempts = 0
    if waiting:
        run.status, run.wake_at, run.lease_until = "waiting", outcome.wake_at, None
        run.save(update_fields=["cursor", "attempts", "status", "wake_at", "lease_until"])
        return "waiting", False
    if not run.cursor:
        return _finish(run, "succeeded", now), False
    run.save(update_fields=["cursor", "attempts"])
    return "running", True


def _message(exc: BaseException) -> str:
    if isinstance(exc, RapportError):
        details = "; ".join(f"{'.'.join(map(str, e.loc))}: {e.msg}" for e in exc.errors)
        return f"{exc.detail} {details}".strip()[:4000]
    return str(exc)[:4000] or type(exc).__name__


def _failed(run: WorkflowRun, exc: BaseException, now: dt.datetime) -> str:
    """Retry a transient failure with backoff; fail the run on a permanent one or at the end."""
    run.attempts += 1
    run.error = _message(exc)
    transient = isinstance(exc, OSError)
    if transient and run.attempts < MAX_ATTEMPTS:
        run.status = "retrying"
        run.wake_at = now + RETRY_BASE * 4 ** (run.attempts - 1)
        run.lease_until = None
        run.save(update_fields=["attempts", "error", "status", "wake_at", "lease_until"])
        return "retrying"
    return _finish(run, "failed", now)


def _finish(run: WorkflowRun, status: str, now: dt.datetime) -> str:
    run.status, run.finished_at, run.lease_until, run.wake_at = status, now, None, None
    if status == "succeeded":
        run.error = ""
    run.save(
        update_fields=[
            "status",
            "finished_at",
            "lease_until",
            "wake_at",
            "error",
            "attempts",
            "cursor",
        ]
    )
    workflows = Workflow.objects.filter(pk=run.workflow_id)
    if status == "succeeded":
        workflows.exclude(consecutive_failures=0).update(consecutive_failures=0)
    elif status == "failed":
        workflows.update(consecutive_failures=F("consecutive_failures") + 1)
        _pause_if_failing(run.workflow_id, run.error)
    return status


def _pause_if_failing(workflow_id: int, error: str) -> None:
    workflow = Workflow.objects.select_for_update().get(pk=workflow_id)
    if not workflow.is_active or workflow.consecutive_failures < PAUSE_AFTER_FAILURES:
        return
    workflow.is_active = False
    workflow.paused_reason = (
        f"Paused after {workflow.consecutive_failures} failed runs in a row. Last error: {error}"[
            :300
        ]
    )
    workflow.save(update_fields=["is_active", "paused_reason"])
    principal = system_principal(workflow.workspace_id)
    notify(
        principal, [workflow.owner_id], "workflow_failed", f"Workflow “{workflow.name}” was paused",
        workflow.paused_reason, "workflow", workflow.pk,
    )  # fmt: skip


def wake_runs(now: dt.datetime) -> int:
    """Scheduled: send due waiting and retrying runs, runs whose worker died, and runs queued
    for a while that nobody took (their job or their dispatcher was lost), back to work."""
    due = WorkflowRun.objects.filter(status__in=("waiting", "retrying"), wake_at__lte=now)
    stalled = WorkflowRun.objects.filter(status="running", lease_until__lt=now)
    lost = WorkflowRun.objects.filter(status="queued", wake_at__lte=now - REQUEUE_AFTER)
    ids = [pk for qs in (due, stalled, lost) for pk in qs.values_list("pk", flat=True)[:1000]]
    # Queued again with a fresh time, so the next sweep does not send them again while they
    # wait for a worker; a job takes a run only with an atomic claim.
    WorkflowRun.objects.filter(pk__in=ids).update(
        status="queued", wake_at=now, lease_until=None, claim=""
    )
    for run_id in ids:
        enqueue_on_commit(JOB, run_id)
    return len(ids)
