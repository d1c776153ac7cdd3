"""Writes about workflows: create, edit (a new version), switch on and off, delete, run by
hand, test on a sample record (a dry run) and retry a failed run.

Rights use the "workflow" object type: view to see workflows and their runs, create, edit
(also to switch on/off, run by hand and retry), delete.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.automation import definitions as d
from rapport.automation.actions import Outcome, StepContext, perform
from rapport.automation.conditions import record_matches
from rapport.automation.engine import JOB, next_step_id, start_run, workflow_principal
from rapport.automation.models import Workflow, WorkflowRun, WorkflowVersion
from rapport.automation.record_types import RECORD_TYPES
from rapport.automation.validation import validate_definition
from rapport.core.audit import record_change
from rapport.core.errors import Conflict, Invalid, NotFound
from rapport.core.jobs import enqueue_on_commit
from rapport.core.lifecycle import check_version, lock_record, move_to_bin
from rapport.core.permissions import Principal, require

OBJECT_TYPE = "workflow"
MAX_MANUAL = 500  # records one manual run may name


def _checked(principal: Principal, raw: Any) -> d.Definition:
    definition = d.parse_definition(raw)
    validate_definition(principal, definition)
    return definition


def _snapshot(workflow: Workflow) -> dict[str, Any]:
    version = workflow.current_version
    return {
        "name": workflow.name,
        "description": workflow.description,
        "is_active": workflow.is_active,
        "owner_id": workflow.owner_id,
        "version": version.number if version else None,
        "definition": version.definition if version else None,
    }


def _new_version(principal: Principal, workflow: Workflow, definition: d.Definition) -> None:
    number = (workflow.current_version.number + 1) if workflow.current_version else 1
    workflow.current_version = WorkflowVersion.objects.create(
        workflow=workflow, number=number, definition=d.dump(definition),
        created_by_id=principal.user_id,
    )  # fmt: skip
    workflow.trigger_type = definition.trigger.type
    workflow.object_type = getattr(definition.trigger, "object_type", None) or ""


def _clean_name(raw: Any) -> str:
    name = str(raw or "").strip()
    if not name or len(name) > 200:
        raise Invalid.on("name", "Give the workflow a name of 1 to 200 characters.")
    return name


@transaction.atomic
def create_workflow(principal: Principal, data: dict[str, Any]) -> Workflow:
    """A new workflow, switched off until activated."""
    require(principal, "create", OBJECT_TYPE)
    definition = _checked(principal, data.get("definition"))
    workflow = Workflow(
        workspace_id=principal.workspace_id,
        name=_clean_name(data.get("name")),
        description=str(data.get("description") or "")[:5000],
        owner_id=principal.user_id,
    )
    workflow.save()
    _new_version(principal, workflow, definition)
    workflow.save()
    record_change(principal, "create", OBJECT_TYPE, workflow, _snapshot(workflow))
    return workflow


@transaction.atomic
def update_workflow(
    principal: Principal,
    workflow_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Workflow:
    """Rename or redescribe; a new definition becomes a new version (runs keep theirs)."""
    workflow = lock_record(Workflow, principal, workflow_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, workflow)
    check_version(workflow, expected_version)
    before = _snapshot(workflow)
    if "definition" in data:
        definition = _checked(principal, data["definition"])
        if d.dump(definition) != (
            workflow.current_version.definition if workflow.current_version else None
        ):
            _new_version(principal, workflow, definition)
    if "name" in data:
        workflow.name = _clean_name(data["name"])
    if "description" in data:
        workflow.description = str(data["description"] or "")[:5000]
    after = _snapshot(workflow)
    if after == before:
        return workflow
    workflow.bump()
    workflow.save()
    changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    record_change(principal, "update", OBJECT_TYPE, workflow, changes)
    return workflow


@transaction.atomic
def set_workflow_active(principal: Principal, workflow_id: int, active: bool) -> Workflow:
    """Switch on (clearing a pause and the failure count) or off."""
    workflow = lock_record(Workflow, principal, workflow_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, workflow)
    if workflow.is_active == active:
        return workflow
    workflow.bump(is_active=active, paused_reason="", consecutive_failures=0)
    if active:
        workflow.activated_at = timezone.now()
    if active and workflow.trigger_type in ("date", "schedule"):
        workflow.checked_until = workflow.activated_at  # from now on: no flood of past dates
    workflow.save()
    record_change(principal, "update", OBJECT_TYPE, workflow, {"is_active": [not active, active]})
    return workflow


@transaction.atomic
def delete_workflow(principal: Principal, workflow_id: int) -> None:
    """Switch off and move to the restore bin; open runs are cancelled."""
    workflow = lock_record(Workflow, principal, workflow_id, deleted=False)
    workflow.is_active = False
    move_to_bin(principal, workflow, _snapshot)
    Workflow.objects.filter(pk=workflow.pk).update(is_active=False)
    WorkflowRun.objects.filter(
        workflow=workflow, status__in=("queued", "waiting", "retrying")
    ).update(status="cancelled", finished_at=timezone.now())


def _visible_ids(principal: Principal, workflow: Workflow, object_ids: list[int]) -> list[int]:
    kind = RECORD_TYPES.get(workflow.object_type)
    if kind is None:
        raise Invalid.on("object_ids", "This workflow's trigger has no record type.")
    found = set(kind.queryset(principal).filter(pk__in=object_ids).values_list("pk", flat=True))
    missing = [i for i in object_ids if i not in found]
    if missing:
        raise NotFound(f"No {workflow.object_type} {missing[0]} in this workspace.")
    return object_ids


@transaction.atomic
def run_workflow_on(
    principal: Principal, workflow_id: int, object_ids: list[int]
) -> list[WorkflowRun]:
    """Run now on these records (the person must see each); any active workflow with a record
    type can be run by hand, manual-trigger workflows only this way."""
    workflow = lock_record(Workflow, principal, workflow_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, workflow)
    if not workflow.is_active:
        raise Conflict("Switch the workflow on before running it.")
    if not 1 <= len(object_ids) <= MAX_MANUAL:
        raise Invalid.on("object_ids", f"Name 1 to {MAX_MANUAL} records.")
    batch = uuid.uuid4().hex[:12]
    runs = []
    for object_id in _visible_ids(principal, workflow, list(dict.fromkeys(object_ids))):
        trigger = {"type": "manual", "user_id": principal.user_id}
        run = start_run(workflow, f"manual:{batch}:{object_id}", trigger, object_id)
        if run is not None:
            runs.append(run)
    return runs


def test_workflow(
    principal: Principal, workflow_id: int, object_id: int | None, raw_definition: Any = None
) -> dict[str, Any]:
    """A dry run on a sample record: whether it would start, and what each step would do.
    Nothing is written; `raw_definition` tests an unsaved edit."""
    from rapport.automation.queries import get_workflow

    workflow = get_workflow(principal, workflow_id)
    require(principal, "edit", OBJECT_TYPE, workflow)
    version = workflow.current_version
    definition = (
        _checked(principal, raw_definition)
        if raw_definition is not None
        else d.parse_definition(version.definition if version else {})
    )
    kind = RECORD_TYPES.get(getattr(definition.trigger, "object_type", None) or "")
    if kind is not None:
        if object_id is None:
            raise Invalid.on("object_id", f"Choose a {kind.object_type} to test on.")
        _visible_ids(principal, workflow, [object_id])
    run = WorkflowRun(
        workspace_id=principal.workspace_id,
        workflow=workflow,
        object_type=kind.object_type if kind else "",
        object_id=object_id if kind else None,
        trigger={"type": "test"},
    )
    acting = workflow_principal(workflow, 0)
    matches = True
    if kind is not None and object_id is not None:
        matches = record_matches(acting, kind, definition.conditions, object_id)
    return {
        "would_start": matches,
        "steps": _dry_steps(
            StepContext(run, workflow, acting, kind, timezone.now(), dry_run=True), definition
        )
        if matches
        else [],
    }


def _dry_steps(ctx: StepContext, definition: d.Definition) -> list[dict[str, Any]]:
    results = []
    step_id = definition.steps[0].id
    index = {s.id: s for s, _, _ in d.walk(definition.steps)}
    while step_id:
        step = index[step_id]
        try:
            outcome: Outcome = perform(ctx, step)
            results.append(
                {"step_id": step.id, "type": step.type, "would": outcome.summary, "ok": True}
            )
        except Exception as exc:  # a dry run reports every problem instead of stopping
            results.append(
                {
                    "step_id": step.id,
                    "type": step.type,
                    "would": str(getattr(exc, "detail", exc)),
                    "ok": False,
                }
            )
            outcome = Outcome("")
        step_id = next_step_id(definition, step.id, outcome.branch)
    return results


@transaction.atomic
def retry_run(principal: Principal, run_id: int) -> WorkflowRun:
    """Try a failed run again from the step that failed."""
    run = (
        WorkflowRun.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=run_id)
        .select_related("workflow")
        .first()
    )
    if run is None or run.workflow.deleted_at is not None:
        raise NotFound("workflow run not found")
    require(principal, "edit", OBJECT_TYPE, run.workflow)
    if run.status != "failed":
        raise Conflict(f"Only failed runs can be retried; this one is {run.status}.")
    run.status, run.attempts, run.error, run.finished_at = "queued", 0, "", None
    run.wake_at = timezone.now()  # queued since
    run.save(update_fields=["status", "attempts", "error", "finished_at", "wake_at"])
    enqueue_on_commit(JOB, run.pk)
    return run


@transaction.atomic
def cancel_run(principal: Principal, run_id: int) -> WorkflowRun:
    run = (
        WorkflowRun.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=run_id)
        .select_related("workflow")
        .first()
    )
    if run is None or run.workflow.deleted_at is not None:
        raise NotFound("workflow run not found")
    require(principal, "edit", OBJECT_TYPE, run.workflow)
    if run.status not in ("queued", "waiting", "retrying"):
        raise Conflict(
            f"Only queued, waiting or retrying runs can be cancelled; this one is {run.status}."
        )
    run.status, run.finished_at = "cancelled", timezone.now()
    run.save(update_fields=["status", "finished_at"])
    return run
