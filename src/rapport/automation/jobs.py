"""Background jobs of workflows: executing a run, and sending a workflow's email."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from rapport.automation.emails import deliver_workflow_email
from rapport.automation.engine import execute_run


@task()
def execute_workflow_run(run_id: int) -> str:
    return execute_run(run_id)


@task()
def send_workflow_email(run_id: int, step_id: str, message: dict[str, Any]) -> None:
    deliver_workflow_email(run_id, step_id, message)
