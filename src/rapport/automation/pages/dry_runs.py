"""Trying a workflow from its page: a dry run on a chosen record (what each step would do,
nothing changed), running it on that record for real, and the record picker's choices."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from rapport.automation import queries, services
from rapport.automation.describe import STEP_LABELS, step_labels
from rapport.core.errors import Conflict, Invalid, NotFound
from rapport.core.pages import page_principal, render_partial
from rapport.core.permissions import Principal, require
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "workflow"
DETAIL = "automation/detail.html"


def _posted_id(request: HttpRequest) -> int | None:
    raw = request.POST.get("object_id", "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _test_result(principal: Principal, workflow_id: int, object_id: int | None) -> dict[str, Any]:
    """The dry run's lines, or why it could not run."""
    version = queries.get_workflow(principal, workflow_id).current_version
    try:
        result = services.test_workflow(principal, workflow_id, object_id)
    except Invalid as exc:
        return {"problems": [e.msg for e in exc.errors] or [exc.detail]}
    except NotFound:
        return {"problems": ["That record is not available; choose another."]}
    labels = step_labels(version.definition.get("steps") or []) if version else {}
    lines = [
        {**line, "label": labels.get(line["step_id"]) or STEP_LABELS.get(line["type"], "")}
        for line in result["steps"]
    ]
    return {"would_start": result["would_start"], "lines": lines, "tested": True}


@require_POST
@member_required
def workflow_test(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """A dry run on the chosen record (htmx): each step's "would", nothing changed."""
    context = _test_result(page_principal(request), workflow_id, _posted_id(request))
    return render_partial(request, f"{DETAIL}#test_result", context)


@require_POST
@member_required
def workflow_run(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Run the workflow on the chosen record now; the run joins the history."""
    principal = page_principal(request)
    object_id = _posted_id(request)
    try:
        runs = services.run_workflow_on(principal, workflow_id, [object_id] if object_id else [])
    except (Conflict, Invalid) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was run. {detail}")
    else:
        messages.success(request, f"Started {len(runs)} run(s); see the run history below.")
    return redirect(f"/workflows/{workflow_id}")


@require_GET
@member_required
def record_options(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """The test's record choices matching the typed text (htmx)."""
    principal = page_principal(request)
    workflow = queries.get_workflow(principal, workflow_id)
    require(principal, "edit", OBJECT_TYPE, workflow)
    q = request.GET.get("q", "")
    records = queries.sample_records(principal, workflow.object_type, q)
    return render_partial(request, f"{DETAIL}#record_options", {"records": records})
