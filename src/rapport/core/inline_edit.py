"""Editing one field of a record in place, with the conflict check every edit form needs.

The edit form carries the record's version and the field's value when the form opened. On
save, the update service checks the version. When someone else saved in between:
- if they did not touch this field, the edit is applied on top of their change;
- if they did, nothing is overwritten: the form comes back (409) showing their value beside
  what this user typed, to save again over theirs or to keep theirs.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rapport.core.audit import jsonable
from rapport.core.errors import Invalid, NotFound, PreconditionFailed
from rapport.core.field_specs import FieldSpec, service_data
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.core.tenancy import Record

ROW_TEMPLATE = "fields/_row.html"
CHANGED_EVENT = "record-changed"  # htmx event: headers and timelines refresh on it


@dataclass(frozen=True)
class RecordEditor:
    """How one record type's page loads, shows and updates a field."""

    object_type: str
    url: str  # "/contacts/{}"
    load: Callable[[Principal, int], tuple[Record, dict[str, Any]]]  # (record, API body)
    update: Callable[[Principal, int, dict[str, Any], int], object]  # the update service
    specs: Callable[[Principal], list[FieldSpec]]
    display_context: Callable[[Principal, dict[str, Any]], dict[str, Any]]


def _spec(editor: RecordEditor, principal: Principal, name: str) -> FieldSpec:
    spec = next((s for s in editor.specs(principal) if s.name == name), None)
    if spec is None:
        raise NotFound(f"There is no field {name!r}.")
    return spec


def _render(
    request: HttpRequest,
    editor: RecordEditor,
    principal: Principal,
    spec: FieldSpec,
    loaded: tuple[Record, dict[str, Any]],
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    record, body = loaded
    context = {
        "spec": spec,
        "body": body,
        "url": editor.url.format(record.pk),
        "version": record.version,
        "original": json.dumps(jsonable(spec.value_in(body))),
        "can_edit": can(principal, "edit", editor.object_type, record),
        "mode": "show",
        **editor.display_context(principal, body),
        **extra,
    }
    return render(request, ROW_TEMPLATE, context, status=status)


def show_field(
    request: HttpRequest, editor: RecordEditor, record_id: int, name: str
) -> HttpResponse:
    principal = page_principal(request)
    spec = _spec(editor, principal, name)
    return _render(request, editor, principal, spec, editor.load(principal, record_id))


def edit_field(
    request: HttpRequest, editor: RecordEditor, record_id: int, name: str
) -> HttpResponse:
    principal = page_principal(request)
    spec = _spec(editor, principal, name)
    loaded = editor.load(principal, record_id)
    if not spec.editable or not can(principal, "edit", editor.object_type, loaded[0]):
        raise NotFound(f"{spec.label} cannot be edited here.")
    return _render(request, editor, principal, spec, loaded, mode="edit")


def save_field(
    request: HttpRequest, editor: RecordEditor, record_id: int, name: str, time_zone: str
) -> HttpResponse:
    principal = page_principal(request)
    spec = _spec(editor, principal, name)
    if not spec.editable:
        raise NotFound(f"{spec.label} cannot be edited here.")
    data = service_data([spec], request.POST, time_zone)
    version = int(request.POST.get("version", "0") or 0)
    try:
        try:
            editor.update(principal, record_id, data, version)
        except PreconditionFailed:
            loaded = editor.load(principal, record_id)
            theirs = jsonable(spec.value_in(loaded[1]))
            if theirs != json.loads(request.POST.get("original", "null")):
                return _conflict(request, editor, principal, spec, loaded)
            editor.update(principal, record_id, data, loaded[0].version)  # they changed others
    except Invalid as exc:
        errors = [e.msg for e in exc.errors] or [exc.detail]
        loaded = editor.load(principal, record_id)
        return _render(
            request, editor, principal, spec, loaded, 422, mode="edit", posted=request.POST,
            errors=errors, version=version, original=request.POST.get("original", "null"),
        )  # fmt: skip
    response = _render(request, editor, principal, spec, editor.load(principal, record_id))
    response["HX-Trigger"] = CHANGED_EVENT
    return response


def _conflict(
    request: HttpRequest,
    editor: RecordEditor,
    principal: Principal,
    spec: FieldSpec,
    loaded: tuple[Record, dict[str, Any]],
) -> HttpResponse:
    """Their saved value beside what this user typed; saving again now replaces theirs."""
    return _render(request, editor, principal, spec, loaded, 409, mode="conflict",
                   posted=request.POST)  # fmt: skip
