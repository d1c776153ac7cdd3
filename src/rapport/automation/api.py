"""/api/v1/workflows, /api/v1/workflow-runs, and the inbound hook of webhook-triggered workflows."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.automation import queries, services
from rapport.automation.definitions import definition_schema
from rapport.automation.hooks import receive_hook
from rapport.automation.schemas import (
    HookRead,
    ManualRun,
    RunRead,
    VersionRead,
    WorkflowCreate,
    WorkflowRead,
    WorkflowTest,
    WorkflowTestResult,
    WorkflowUpdate,
    hook_url,
    run_body,
    version_body,
    workflow_body,
)
from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    principal_of,
    record_response,
    selected_fields,
)
from rapport.core.permissions import require

PREFIX = "/"
router = Router(tags=["workflows"])


@router.get("workflows", response=ListResponse)
def list_workflows(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, WorkflowRead.model_fields)
    page = queries.list_workflows(principal_of(request), params)
    return json_response(page_body(page, workflow_body, fields))


@router.get("workflows/schema", response=dict[str, Any])
def get_definition_schema(request: HttpRequest) -> HttpResponse:
    """The JSON schema of a workflow definition (trigger, conditions, steps)."""
    principal_of(request)
    return json_response(definition_schema())


@router.post("workflows", response={201: WorkflowRead})
def create_workflow(request: HttpRequest, payload: WorkflowCreate) -> HttpResponse:
    def write() -> HttpResponse:
        workflow = services.create_workflow(principal_of(request), payload.model_dump())
        location = f"/api/v1/workflows/{workflow.pk}"
        return record_response(workflow, workflow_body(workflow), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get("workflows/{workflow_id}", response=WorkflowRead)
def get_workflow(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    workflow = queries.get_workflow(principal_of(request), workflow_id)
    return record_response(workflow, workflow_body(workflow))


@router.patch("workflows/{workflow_id}", response=WorkflowRead)
def update_workflow(
    request: HttpRequest, workflow_id: RecordId, payload: WorkflowUpdate
) -> HttpResponse:
    version = expected_version(request, workflow_id)
    changes = payload.model_dump(exclude_unset=True)
    workflow = services.update_workflow(principal_of(request), workflow_id, changes, version)
    return record_response(workflow, workflow_body(workflow))


@router.delete("workflows/{workflow_id}", response={204: None})
def delete_workflow(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    services.delete_workflow(principal_of(request), workflow_id)
    return no_content()


@router.post("workflows/{workflow_id}/activate", response=WorkflowRead)
def activate_workflow(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    workflow = services.set_workflow_active(principal_of(request), workflow_id, True)
    return record_response(workflow, workflow_body(workflow))


@router.post("workflows/{workflow_id}/deactivate", response=WorkflowRead)
def deactivate_workflow(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    workflow = services.set_workflow_active(principal_of(request), workflow_id, False)
    return record_response(workflow, workflow_body(workflow))


@router.post("workflows/{workflow_id}/test", response=WorkflowTestResult)
def test_workflow(
    request: HttpRequest, workflow_id: RecordId, payload: WorkflowTest
) -> HttpResponse:
    """A dry run on a sample record: what each step would do. Nothing is changed."""
    result = services.test_workflow(
        principal_of(request), workflow_id, payload.object_id, payload.definition
    )
    return json_response(result)


@router.post("workflows/{workflow_id}/run", response={202: list[RunRead]})
def run_workflow(request: HttpRequest, workflow_id: RecordId, payload: ManualRun) -> HttpResponse:
    """Start a run on each record now (a manual trigger)."""
    runs = services.run_workflow_on(principal_of(request), workflow_id, payload.object_ids)
    return json_response([run_body(run) for run in runs], status=202)


@router.get("workflows/{workflow_id}/versions", response=list[VersionRead])
def list_versions(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    versions = queries.list_versions(principal_of(request), workflow_id)
    return json_response([version_body(v) for v in versions])


@router.get("workflows/{workflow_id}/hook", response=HookRead)
def get_hook(request: HttpRequest, workflow_id: RecordId) -> HttpResponse:
    """The inbound URL and its secret (editors only): send the secret as X-Hook-Secret."""
    principal = principal_of(request)
    workflow = queries.get_workflow(principal, workflow_id)
    require(principal, "edit", "workflow", workflow)
    return json_response({"url": hook_url(workflow), "secret": workflow.hook_secret})


@router.get("workflow-runs", response=ListResponse)
def list_runs(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Runs, newest first; filter by workflow_id, status, object_type, object_id."""
    fields = selected_fields(params.fields, RunRead.model_fields)
    page = queries.list_runs(principal_of(request), params)
    return json_response(page_body(page, run_body, fields))


@router.get("workflow-runs/{run_id}", response=RunRead)
def get_run(request: HttpRequest, run_id: RecordId) -> HttpResponse:
    """A run with each step's outcome, output, timing and error."""
    run = queries.get_run(principal_of(request), run_id)
    return json_response(run_body(run, queries.run_steps(run)))


@router.post("workflow-runs/{run_id}/retry", response=RunRead)
def retry_run(request: HttpRequest, run_id: RecordId) -> HttpResponse:
    run = services.retry_run(principal_of(request), run_id)
    return json_response(run_body(run))


@router.post("workflow-runs/{run_id}/cancel", response=RunRead)
def cancel_run(request: HttpRequest, run_id: RecordId) -> HttpResponse:
    run = services.cancel_run(principal_of(request), run_id)
    return json_response(run_body(run))


@router.post("hooks/workflows/{hook_key}", auth=None, response={202: dict[str, Any]})
def receive_workflow_hook(request: HttpRequest, hook_key: str) -> HttpResponse:
    """Trigger a webhook workflow: POST JSON with the workflow's secret in X-Hook-Secret. An
    Idempotency-Key header makes a repeated delivery start one run."""
    run_id = receive_hook(
        hook_key,
        request.headers.get("X-Hook-Secret", ""),
        request.body,
        request.headers.get("Idempotency-Key", ""),
    )
    return json_response({"run_id": run_id}, status=202)
