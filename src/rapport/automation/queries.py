"""Reads about workflows and their runs, through the permission policy ("workflow")."""

from __future__ import annotations

from django.db.models import QuerySet

from rapport.automation.models import RunStep, Workflow, WorkflowRun, WorkflowVersion
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, require, visible

OBJECT_TYPE = "workflow"
FILTERS = {
    "name": FilterField("name"),
    "is_active": FilterField("is_active", "boolean"),
    "trigger_type": FilterField("trigger_type"),
    "object_type": FilterField("object_type"),
    "owner_id": FilterField("owner_id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {"name", "created_at", "updated_at", "id"}
RUN_FILTERS = {
    "workflow_id": FilterField("workflow_id", "id"),
    "status": FilterField("status"),
    "object_type": FilterField("object_type"),
    "object_id": FilterField("object_id", "id"),
    "created_at": FilterField("created_at", "datetime"),
}


def visible_workflows(principal: Principal) -> QuerySet[Workflow]:
    return visible(principal, Workflow.objects.select_related("current_version"), OBJECT_TYPE)


def get_workflow(principal: Principal, workflow_id: int) -> Workflow:
    workflow = visible_workflows(principal).filter(pk=workflow_id).first()
    if workflow is None:
        raise NotFound("workflow not found")
    return workflow


def list_workflows(principal: Principal, params: ListParams) -> Page[Workflow]:
    qs = visible_workflows(principal).filter(filters_q(FILTERS, params.filter))
    return keyset_page(qs, parse_sort(params.sort, SORTS, "name"), params.limit, params.cursor)


def list_versions(principal: Principal, workflow_id: int) -> list[WorkflowVersion]:
    workflow = get_workflow(principal, workflow_id)
    return list(workflow.versions.order_by("-number"))


def visible_runs(principal: Principal) -> QuerySet[WorkflowRun]:
    """Runs of the workflows the principal may view (runs have no owner of their own)."""
    require(principal, "view", OBJECT_TYPE)
    return WorkflowRun.objects.filter(
        workspace_id=principal.workspace_id,
        workflow__in=visible_workflows(principal).values("pk"),
    ).select_related("version")


def list_runs(principal: Principal, params: ListParams) -> Page[WorkflowRun]:
    qs = visible_runs(principal).filter(filters_q(RUN_FILTERS, params.filter))
    return keyset_page(
        qs, parse_sort(params.sort, {"id", "created_at"}, "-id"), params.limit, params.cursor
    )


def get_run(principal: Principal, run_id: int) -> WorkflowRun:
    run = visible_runs(principal).filter(pk=run_id).first()
    if run is None:
        raise NotFound("workflow run not found")
    return run


def run_steps(run: WorkflowRun) -> list[RunStep]:
    return list(run.steps.order_by("id"))
