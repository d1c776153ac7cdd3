"""Reads about workflows and their runs, through the permission policy ("workflow")."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, QuerySet

from rapport.automation.models import RunStep, Workflow, WorkflowRun, WorkflowVersion
from rapport.automation.record_types import RECORD_TYPES
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, require, visible
from rapport.search.queries import TYPES as SEARCH_TYPES
from rapport.search.queries import search

OBJECT_TYPE = "workflow"
FILTERS = {
    "name": FilterField("name"),
    "is_active": FilterField("is_active", "boolean"),
    "trigger_type": FilterField("trigger_type", "choice"),
    "object_type": FilterField("object_type", "choice"),
    "owner_id": FilterField("owner_id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {"name", "created_at", "updated_at", "id"}
PICKER_SIZE = 10  # records offered to test a workflow on
RUN_FILTERS = {
    "workflow_id": FilterField("workflow_id", "id"),
    "status": FilterField("status", "choice"),
    "object_type": FilterField("object_type", "choice"),
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


# --- For the workflow pages ---------------------------------------------------------------------


def last_runs(principal: Principal, workflow_ids: list[int]) -> dict[int, WorkflowRun]:
    """The newest run of each of these workflows, in one query (for the workflow list)."""
    if not workflow_ids:
        return {}
    newest = (
        WorkflowRun.objects.filter(
            workspace_id=principal.workspace_id, workflow_id__in=workflow_ids
        )
        .values("workflow_id")
        .annotate(newest=Max("id"))
        .values("newest")
    )
    return {run.workflow_id: run for run in WorkflowRun.objects.filter(pk__in=newest)}


@dataclass(frozen=True)
class RecordChoice:
    id: int
    title: str
    subtitle: str = ""


def sample_records(principal: Principal, object_type: str, q: str = "") -> list[RecordChoice]:
    """Records to test a workflow on: those matching `q`, else the most recently changed."""
    kind = RECORD_TYPES.get(object_type)
    if kind is None:
        return []
    text = q.strip()[:200]
    if text and object_type in SEARCH_TYPES:
        hits = search(principal, text, [object_type], PICKER_SIZE)[object_type]
        return [RecordChoice(hit.object_id, hit.title, hit.subtitle) for hit in hits]
    records = kind.queryset(principal)
    if text:
        records = records.filter(subject__icontains=text)
    recent = records.order_by("-updated_at", "-pk")[:PICKER_SIZE]
    return [RecordChoice(r.pk, str(r), getattr(r, "primary_email", "")) for r in recent]


def record_titles(
    principal: Principal, records: Iterable[tuple[str, int | None]]
) -> dict[tuple[str, int], str]:
    """{(object type, id): title} of the records runs were on, as far as the principal may
    view them: one query per record type."""
    wanted: dict[str, set[int]] = {}
    for object_type, object_id in records:
        if object_type in RECORD_TYPES and object_id:
            wanted.setdefault(object_type, set()).add(object_id)
    titles = {}
    for object_type, ids in wanted.items():
        for record in RECORD_TYPES[object_type].queryset(principal).filter(pk__in=ids):
            titles[(object_type, record.pk)] = str(record)
    return titles
