"""Request and response shapes of /api/v1/workflows and /api/v1/workflow-runs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.automation.models import RunStep, Workflow, WorkflowRun, WorkflowVersion

DEFINITION_HELP = "trigger, conditions and steps; the JSON schema is at /api/v1/workflows/schema"


class WorkflowCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    definition: dict[str, Any] = Field(description=DEFINITION_HELP)


class WorkflowUpdate(Schema):
    """A new definition becomes a new version; runs under way finish on theirs."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    definition: dict[str, Any] | None = Field(None, description=DEFINITION_HELP)


class WorkflowRead(Schema):
    id: int
    name: str
    description: str
    owner_id: int | None
    is_active: bool
    paused_reason: str
    trigger_type: str
    object_type: str
    definition_version: int | None
    definition: dict[str, Any] | None
    consecutive_failures: int
    throttled_count: int
    hook_url: str | None = Field(description="for a webhook trigger: POST here with the secret")
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class WorkflowTest(Schema):
    model_config = ConfigDict(extra="forbid")

    object_id: int | None = Field(None, ge=1, le=2**63 - 1)
    definition: dict[str, Any] | None = Field(None, description="test an unsaved definition")


class WorkflowTestResult(Schema):
    would_start: bool
    steps: list[dict[str, Any]]


class ManualRun(Schema):
    model_config = ConfigDict(extra="forbid")

    object_ids: list[int] = Field(min_length=1, max_length=500)


class VersionRead(Schema):
    number: int
    definition: dict[str, Any]
    created_at: dt.datetime
    created_by_id: int | None


class HookRead(Schema):
    url: str
    secret: str


class RunStepRead(Schema):
    step_id: str
    action: str
    status: str
    attempt: int
    output: dict[str, Any]
    error: str
    started_at: dt.datetime
    finished_at: dt.datetime
    duration_ms: int


class RunRead(Schema):
    id: int
    workflow_id: int
    definition_version: int
    status: str
    trigger: dict[str, Any]
    object_type: str
    object_id: int | None
    cursor: str
    attempts: int
    error: str
    wake_at: dt.datetime | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    steps: list[RunStepRead] | None = None


def hook_url(workflow: Workflow) -> str:
    return f"{settings.BASE_URL}/api/v1/hooks/workflows/{workflow.hook_key}"


def workflow_body(workflow: Workflow) -> dict[str, Any]:
    current = workflow.current_version
    return {
        "id": workflow.pk,
        "name": workflow.name,
        "description": workflow.description,
        "owner_id": workflow.owner_id,
        "is_active": workflow.is_active,
        "paused_reason": workflow.paused_reason,
        "trigger_type": workflow.trigger_type,
        "object_type": workflow.object_type,
        "definition_version": current.number if current else None,
        "definition": current.definition if current else None,
        "consecutive_failures": workflow.consecutive_failures,
        "throttled_count": workflow.throttled_count,
        "hook_url": hook_url(workflow) if workflow.trigger_type == "webhook" else None,
        "version": workflow.version,
        "created_at": workflow.created_at,
        "updated_at": workflow.updated_at,
    }


def version_body(version: WorkflowVersion) -> dict[str, Any]:
    return VersionRead.model_validate(version, from_attributes=True).model_dump()


def run_body(run: WorkflowRun, steps: list[RunStep] | None = None) -> dict[str, Any]:
    body = {
        "id": run.pk,
        "workflow_id": run.workflow_id,
        "definition_version": run.version.number,
        "status": run.status,
        "trigger": run.trigger,
        "object_type": run.object_type,
        "object_id": run.object_id,
        "cursor": run.cursor,
        "attempts": run.attempts,
        "error": run.error,
        "wake_at": run.wake_at,
        "created_at": run.created_at,
        "finished_at": run.finished_at,
        "steps": None,
    }
    if steps is not None:
        body["steps"] = [
            RunStepRead.model_validate(s, from_attributes=True).model_dump() for s in steps
        ]
    return body
