"""Settings > Pipelines: the pipelines in order (reorder, create, delete) and a pipeline's editor
(rename; add, edit, reorder and remove stages).

The editor is one plain form: a table button posts it with a `change` and gets the table back
with the change applied and nothing saved; Save calls update_pipeline. Removing a stage that
still holds deals makes the service ask where they go (a `stage_moves` error); the page shows a
select of the kept stages beside that message and keeps everything else the user typed.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import Principal, can, require
from rapport.deals import queries, services
from rapport.deals.forms import (
    PipelineForm,
    StageRow,
    apply_change,
    rows_of,
    stage_moves_from,
    stage_rows_from,
    stage_writes,
)
from rapport.deals.models import STAGE_KINDS, Pipeline
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/pipelines"
OBJECT_TYPE = "pipeline"


def _list_page(request: HttpRequest, form: PipelineForm, status: int = 200) -> HttpResponse:
    principal = page_principal(request)
    context = {
        "pipelines": queries.pipelines_of(principal),
        "form": form,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
    }
    return render_settings(request, "deals/pipelines.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def pipeline_list(request: HttpRequest) -> HttpResponse:
    """The pipelines in order, and the form that creates one (POST)."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    form = PipelineForm(request.POST or None)
    if request.method != "POST":
        return _list_page(request, form)
    require(principal, "create", OBJECT_TYPE)
    if not form.is_valid():
        return _list_page(request, form, 422)
    try:
        pipeline = services.create_pipeline(principal, {"name": form.cleaned_data["name"]})
    except Invalid as exc:
        add_service_errors(form, exc)
        return _list_page(request, form, 422)
    messages.success(request, f"Pipeline {pipeline.name} created with the usual stages.")
    return redirect(f"{URL}/{pipeline.pk}")


@require_POST
@member_required
def pipeline_order(request: HttpRequest) -> HttpResponse:
    """Move one pipeline up or down (`move=up-<id>` / `move=down-<id>`)."""
    principal = page_principal(request)
    require(principal, "edit", OBJECT_TYPE)
    ids = [p.pk for p in queries.pipelines_of(principal)]
    direction, _, raw = request.POST.get("move", "").partition("-")
    if raw.isdigit() and int(raw) in ids:
        i = ids.index(int(raw))
        j = i - 1 if direction == "up" else i + 1 if direction == "down" else i
        if 0 <= j < len(ids):
            ids[i], ids[j] = ids[j], ids[i]
            services.reorder_pipelines(principal, ids)
            messages.success(
                request, "Order saved. The first pipeline is the default for new deals."
            )
    return redirect(URL)


@require_POST
@member_required
def pipeline_delete(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    principal = page_principal(request)
    pipeline = queries.get_pipeline(principal, pipeline_id)
    try:
        services.delete_pipeline(principal, pipeline_id)
    except Conflict as exc:
        messages.error(request, f"{pipeline.name} was not deleted: {exc.detail}")
    else:
        messages.success(request, f"Pipeline {pipeline.name} deleted.")
    return redirect(URL)


# --- One pipeline -------------------------------------------------------------------------------


class EditorErrors:
    """A service's errors placed on the editor: the name, a row's field, a removed stage's
    move, or the table as a whole."""

    def __init__(self, error: Invalid | None = None) -> None:
        self.name: list[str] = []
        self.rows: dict[int, dict[str, list[str]]] = {}
        self.moves: dict[str, list[str]] = {}
        self.table: list[str] = []
        for item in error.errors if error else []:
            self._place(item.loc, item.msg)
        if error is not None and not error.errors:
            self.table.append(error.detail)

    def _place(self, loc: tuple[str | int, ...], msg: str) -> None:
        if loc[:1] == ("name",):
            self.name.append(msg)
        elif loc[:1] == ("stage_moves",) and len(loc) > 1:
            self.moves.setdefault(str(loc[1]), []).append(msg)
        elif loc[:1] == ("stages",) and len(loc) > 2 and isinstance(loc[1], int):
            self.rows.setdefault(loc[1], {}).setdefault(str(loc[2]), []).append(msg)
        else:
            self.table.append(msg)

    def __bool__(self) -> bool:
        return bool(self.name or self.rows or self.moves or self.table)


def _removed(
    pipeline: Pipeline, rows: list[StageRow], errors: EditorErrors, moves: dict[str, int]
) -> list[dict[str, Any]]:
    """The stages the table leaves out (removed on save). Those whose deals need a destination
    (the service said so, or one was chosen) come with the kept stages they may go to."""
    kept = [(row.id, row.name) for row in rows if row.id is not None]
    removed = []
    for stage in pipeline.stage_rows:  # type: ignore[attr-defined]
        key = str(stage.pk)
        if any(row.id == stage.pk for row in rows):
            continue
        asks = key in errors.moves or key in moves
        removed.append(
            {
                "stage": stage,
                "errors": errors.moves.get(key, []),
                "choice": moves.get(key),
                "targets": kept if asks else [],
            }
        )
    return removed


def _editor(
    request: HttpRequest,
    pipeline: Pipeline,
    rows: list[StageRow],
    name: str,
    errors: EditorErrors | None = None,
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    errors = errors or EditorErrors()
    moves = stage_moves_from(request.POST) if request.method == "POST" else {}
    table = [
        {
            "n": n,
            "row": row,
            "errors": errors.rows.get(n, {}),
            "first": n == 0,
            "last": n == len(rows) - 1,
        }
        for n, row in enumerate(rows)
    ]
    context = {
        "pipeline": pipeline,
        "name": name,
        "table": table,
        "errors": errors,
        "removed": _removed(pipeline, rows, errors, moves),
        "kinds": STAGE_KINDS,
        "version": request.POST.get("version", "")
        if request.method == "POST"
        else pipeline.version,
        "can_edit": can(principal, "edit", OBJECT_TYPE),
    }
    return render_settings(request, "deals/pipeline.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def pipeline_edit(request: HttpRequest, pipeline_id: int) -> HttpResponse:
    """The editor: GET shows the pipeline; POST applies a table button, or saves."""
    principal = page_principal(request)
    pipeline = queries.get_pipeline(principal, pipeline_id)
    if request.method != "POST":
        return _editor(request, pipeline, rows_of(pipeline), pipeline.name)
    require(principal, "edit", OBJECT_TYPE)
    rows, name = stage_rows_from(request.POST), request.POST.get("name", "").strip()
    change = request.POST.get("change", "")
    if change:
        return _editor(request, pipeline, apply_change(rows, change, rows_of(pipeline)), name)
    return _save(request, principal, pipeline, rows, name)


def _save(
    request: HttpRequest, principal: Principal, pipeline: Pipeline, rows: list[StageRow], name: str
) -> HttpResponse:
    version = request.POST.get("version", "")
    data = {
        "name": name,
        "stages": stage_writes(rows),
        "stage_moves": stage_moves_from(request.POST),
    }
    try:
        services.update_pipeline(
            principal, pipeline.pk, data, int(version) if version.isdigit() else None
        )
    except Invalid as exc:
        return _editor(request, pipeline, rows, name, EditorErrors(exc), 422)
    except PreconditionFailed:
        stale = EditorErrors(
            Invalid(
                "Someone changed this pipeline meanwhile; reload the page "
                "to see their change (what you typed is below)."
            )
        )
        return _editor(request, pipeline, rows, name, stale, 409)
    messages.success(request, f"Pipeline {name} saved.")
    return redirect(f"{URL}/{pipeline.pk}")
