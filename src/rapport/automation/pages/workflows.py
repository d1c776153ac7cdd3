"""The workflow list, a workflow's page (in words, its versions, hook and run history), and
switching a workflow on or off or deleting it."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.automation import queries, services
from rapport.automation.choices import load_choices
from rapport.automation.describe import condition_lines, step_lines, trigger_text
from rapport.automation.models import Workflow
from rapport.automation.pages.runs import run_history, status_badge
from rapport.automation.schemas import hook_url
from rapport.core.api_support import ListParams
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can, require
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import member_labels

OBJECT_TYPE = "workflow"
PAGE_SIZE = 100


def _definition(workflow: Workflow) -> dict[str, Any]:
    return workflow.current_version.definition if workflow.current_version else {}


def _list_row(principal: Principal, workflow: Workflow, last_run: Any) -> dict[str, Any]:
    return {
        "workflow": workflow,
        "trigger": trigger_text(_definition(workflow).get("trigger") or {}),
        "last_run": last_run,
        "last_badge": status_badge(last_run.status) if last_run else "",
        "can_edit": can(principal, "edit", OBJECT_TYPE, workflow),
    }


@require_GET
@member_required
def workflow_list(request: HttpRequest) -> HttpResponse:
    """The workspace's workflows by name, each with its trigger in words and its last run."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    cursor = request.GET.get("cursor") or None
    page = queries.list_workflows(
        principal, ListParams(filter=[], sort="name", limit=PAGE_SIZE, cursor=cursor, fields=None)
    )
    last = queries.last_runs(principal, [w.pk for w in page.items])
    rows = [_list_row(principal, w, last.get(w.pk)) for w in page.items]
    context = {
        "rows": rows,
        "page": page,
        "is_first_page": cursor is None,
        "can_create": can(principal, "create", OBJECT_TYPE),
    }
    return render(request, "automation/list.html", context)


def _in_words(principal: Principal, workflow: Workflow) -> dict[str, Any]:
    names = load_choices(principal, workflow.object_type or None).names()
    definition = _definition(workflow)
    return {
        "trigger_text": trigger_text(definition.get("trigger") or {}, names),
        "conditions": condition_lines(definition.get("conditions"), names),
        "steps": step_lines(definition.get("steps") or [], names),
    }


@require_GET
@member_required
def workflow_detail(request: HttpRequest, workflow_id: int) -> HttpResponse:
    principal = page_principal(request)
    workflow = queries.get_workflow(principal, workflow_id)
    can_edit = can(principal, "edit", OBJECT_TYPE, workflow)
    is_webhook = workflow.trigger_type == "webhook"
    context = {
        "workflow": workflow,
        "version": workflow.current_version,
        "versions": queries.list_versions(principal, workflow_id),
        "authors": member_labels(principal),
        "can_edit": can_edit,
        "can_delete": can(principal, "delete", OBJECT_TYPE, workflow),
        "hook": {"url": hook_url(workflow), "secret": workflow.hook_secret}
        if is_webhook and can_edit
        else None,
        "records": queries.sample_records(principal, workflow.object_type) if can_edit else [],
        **_in_words(principal, workflow),
        **run_history(principal, workflow_id, None),
    }
    return render(request, "automation/detail.html", context)


@require_GET
@member_required
def workflow_runs(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """More of the run history ("Load more"): rows to append to the table."""
    principal = page_principal(request)
    workflow = queries.get_workflow(principal, workflow_id)
    context = {
        "workflow": workflow,
        **run_history(principal, workflow_id, request.GET.get("cursor")),
    }
    return render(request, "automation/detail.html#run_rows", context)


def _back(request: HttpRequest, workflow_id: int) -> HttpResponse:
    target = request.POST.get("next", "")
    return redirect(target if target == "/workflows" else f"/workflows/{workflow_id}")


@require_POST
@member_required
def workflow_activate(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = services.set_workflow_active(page_principal(request), workflow_id, True)
    messages.success(request, f"{workflow.name} is on: it runs on new events from now.")
    return _back(request, workflow_id)


@require_POST
@member_required
def workflow_deactivate(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = services.set_workflow_active(page_principal(request), workflow_id, False)
    messages.success(request, f"{workflow.name} is off. Runs under way carry on.")
    return _back(request, workflow_id)


@require_POST
@member_required
def workflow_delete(request: HttpRequest, workflow_id: int) -> HttpResponse:
    principal = page_principal(request)
    workflow = queries.get_workflow(principal, workflow_id)
    services.delete_workflow(principal, workflow_id)
    messages.success(request, f"{workflow.name} was deleted; its waiting runs were cancelled.")
    return redirect("/workflows")
