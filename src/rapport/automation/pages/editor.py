"""The workflow builder: /workflows/new and /workflows/<id>/edit.

The form holds the whole workflow. A builder button (add, remove, move, a select whose choice
changes the form) posts it with a `change`; the answer is the builder drawn again from what was
posted plus that change, and nothing is saved. Posting without a change saves: a new workflow,
or a new version of this one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from rapport.automation import queries, services
from rapport.automation.builder import definition_from_post, object_type_of
from rapport.automation.builder_changes import STARTER, apply_change, focus_after
from rapport.automation.choices import load_choices
from rapport.automation.forms import build_builder
from rapport.automation.models import Workflow
from rapport.core.errors import FieldError, Invalid, PreconditionFailed
from rapport.core.pages import is_htmx, page_principal
from rapport.core.permissions import require
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "workflow"
EDITOR = "automation/editor.html"
STALE = (
    "Someone saved this workflow meanwhile. Your changes are still here: reload the page to see "
    "theirs, or save again to replace them."
)


def _editor(
    request: HttpRequest,
    workflow: Workflow | None,
    definition: dict[str, Any],
    problem: Invalid | None = None,
    focus: str = "",
    status: int = 422,
    version: int | None = None,
) -> HttpResponse:
    """The builder page (or, for a builder button, the builder alone) for this definition."""
    principal = page_principal(request)
    meta = {k: request.POST.get(k, getattr(workflow, k, "")) for k in ("name", "description")}
    choices = load_choices(principal, object_type_of(definition))
    errors: list[FieldError] = list(problem.errors) if problem else []
    builder = build_builder(definition, meta, choices, errors, focus)
    if problem is not None and not problem.errors:
        builder.general.append(problem.detail)
    context = {
        "workflow": workflow,
        "builder": builder,
        "action": f"/workflows/{workflow.pk}/edit" if workflow else "/workflows/new",
        "version": version or request.POST.get("version") or (workflow.version if workflow else ""),
    }
    if is_htmx(request) and "change" in request.POST:
        return render(request, f"{EDITOR}#builder", context)
    return render(request, EDITOR, context, status=status if problem else 200)


def _posted(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The definition the form holds, and the workflow fields a service takes."""
    definition = definition_from_post(dict(request.POST.lists()))
    data = {
        "name": request.POST.get("name", ""),
        "description": request.POST.get("description", ""),
        "definition": definition,
    }
    return definition, data


def _changed(request: HttpRequest, workflow: Workflow | None) -> HttpResponse:
    definition, _ = _posted(request)
    change = request.POST.get("change", "")
    edited = apply_change(definition, change)
    return _editor(request, workflow, edited, focus=focus_after(edited, change))


@require_http_methods(["GET", "POST"])
@member_required
def workflow_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    if request.method != "POST":
        return _editor(request, None, STARTER)
    if "change" in request.POST:
        return _changed(request, None)
    definition, data = _posted(request)
    try:
        workflow = services.create_workflow(principal, data)
    except Invalid as exc:
        return _editor(request, None, definition, exc)
    messages.success(request, f"{workflow.name} was created. It is off until you switch it on.")
    return redirect(f"/workflows/{workflow.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def workflow_edit(request: HttpRequest, workflow_id: int) -> HttpResponse:
    """Saving a changed definition makes a new version; runs under way finish on theirs."""
    principal = page_principal(request)
    workflow = queries.get_workflow(principal, workflow_id)
    require(principal, "edit", OBJECT_TYPE, workflow)
    if request.method != "POST":
        version = workflow.current_version
        return _editor(request, workflow, version.definition if version else STARTER)
    if "change" in request.POST:
        return _changed(request, workflow)
    definition, data = _posted(request)
    expected = request.POST.get("version", "")
    try:
        saved = services.update_workflow(
            principal, workflow_id, data, int(expected) if expected.isdigit() else None
        )
    except Invalid as exc:
        return _editor(request, workflow, definition, exc)
    except PreconditionFailed:
        fresh = queries.get_workflow(principal, workflow_id)  # saving again replaces theirs
        return _editor(
            request, fresh, definition, Invalid(STALE), status=409, version=fresh.version
        )
    number = saved.current_version.number if saved.current_version else 1
    messages.success(request, f"{saved.name} was saved (version {number}).")
    return redirect(f"/workflows/{workflow_id}")
