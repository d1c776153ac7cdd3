"""Fixtures and helpers for workflow tests: a workspace, and driving events and runs by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.automation.engine import execute_run
from rapport.automation.models import Workflow, WorkflowRun
from rapport.automation.services import create_workflow, set_workflow_active
from rapport.core.dispatch import dispatch_events
from rapport.core.permissions import Principal
from tests.conftest import make_workspace, owner_principal


@pytest.fixture
def owner(db: Any) -> Principal:
    return owner_principal(make_workspace())


def drive(now: dt.datetime | None = None) -> None:
    """What the worker does: dispatch events, run queued runs, until nothing is left."""
    for _ in range(20):
        dispatch_events("test-worker", now=now)
        waiting = WorkflowRun.objects.filter(status="queued").order_by("pk")  # start order
        queued = list(waiting.values_list("pk", flat=True))
        if not queued:
            return
        for run_id in queued:
            execute_run(run_id, now or timezone.now())


def active_workflow(
    principal: Principal, definition: dict[str, Any], name: str = "Flow"
) -> Workflow:
    workflow = create_workflow(principal, {"name": name, "definition": definition})
    return set_workflow_active(principal, workflow.pk, True)


def contact_trigger(kind: str = "record_created", **extra: Any) -> dict[str, Any]:
    return {"type": kind, "object_type": "contact", **extra}
