"""One run's page (its trigger and each step's outcome) with Retry and Cancel, and the run
history rows the workflow page lists."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.automation import queries, services
from rapport.automation.describe import (
    Names,
    run_trigger_details,
    run_trigger_label,
    step_labels,
)
from rapport.automation.models import OPEN_STATUSES, WorkflowRun
from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict
from rapport.core.pages import page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import member_labels

OBJECT_TYPE = "workflow"
RUNS_PAGE = 25
STATUS_BADGES = {"succeeded": "badge-done", "failed": "badge-danger", "cancelled": ""}
RECORD_URLS = {
    "contact": "/contacts/{}",
    "company": "/companies/{}",
    "deal": "/deals/{}",
    "ticket": "/tickets/id/{}",
}
CANCELLABLE = ("queued", "waiting", "retrying")


def duration_text(start: dt.datetime | None, end: dt.datetime | None) -> str:
    if start is None or end is None:
        return ""
    seconds = (end - start).total_seconds()
    if seconds < 1:
        return f"{int(seconds * 1000)} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes = int(seconds // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60} min"


def status_badge(status: str) -> str:
    """The badge class of a run status: green done, red failed, blue under way."""
    return STATUS_BADGES.get(status, "badge-accent")


def run_rows(principal: Principal, runs: list[WorkflowRun]) -> list[dict[str, Any]]:
    """What the run history shows of each run: status, record, trigger, start, duration."""
    titles = queries.record_titles(principal, ((r.object_type, r.object_id) for r in runs))
    rows = []
    for run in runs:
        title = titles.get((run.object_type, run.object_id or 0))
        url = RECORD_URLS.get(run.object_type, "")
        rows.append({
            "run": run,
            "badge": status_badge(run.status),
            "record": title or (f"{run.object_type} #{run.object_id}" if run.object_id else ""),
            "record_url": url.format(run.object_id) if url and title else "",
            "trigger": run_trigger_label(run.trigger),
            "duration": duration_text(run.created_at, run.finished_at),
        })  # fmt: skip
    return rows


def run_history(principal: Principal, workflow_id: int, cursor: str | None) -> dict[str, Any]:
    """A page of a workflow's runs, newest first, for the workflow page and its "Load more"."""
    workflow_filter = [f"workflow_id:eq:{workflow_id}"]
    params = ListParams(
        filter=workflow_filter, sort="-id", limit=RUNS_PAGE, cursor=cursor, fields=None
    )
    page: Page[WorkflowRun] = queries.list_runs(principal, params)
    return {"runs": run_rows(principal, page.items), "runs_page": page}


def _output_text(output: dict[str, Any]) -> str:
    return json.dumps(output, ensure_ascii=False, default=str)[:500] if output else ""


@require_GET
@member_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    principal = page_principal(request)
    run = queries.get_run(principal, run_id)
    workflow = queries.get_workflow(principal, run.workflow_id)
    labels = step_labels(run.version.definition.get("steps") or [])
    names = Names(users=member_labels(principal))
    steps = [
        {"step": s, "label": labels.get(s.step_id, s.step_id), "output": _output_text(s.output)}
        for s in queries.run_steps(run)
    ]
    can_edit = can(principal, "edit", OBJECT_TYPE, workflow)
    context = {
        "run": run,
        "workflow": workflow,
        "row": run_rows(principal, [run])[0],
        "trigger": run_trigger_details(run.trigger, names),
        "steps": steps,
        "can_retry": can_edit and run.status == "failed",
        "can_cancel": can_edit and run.status in CANCELLABLE,
        "is_open": run.status in OPEN_STATUSES,
    }
    return render(request, "automation/run.html", context)


@require_POST
@member_required
def run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    """Try a failed run again from the step that failed."""
    try:
        services.retry_run(page_principal(request), run_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The run is queued again from the step that failed.")
    return redirect(f"/workflows/runs/{run_id}")


@require_POST
@member_required
def run_cancel(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        services.cancel_run(page_principal(request), run_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "The run was cancelled; its remaining steps will not run.")
    return redirect(f"/workflows/runs/{run_id}")
