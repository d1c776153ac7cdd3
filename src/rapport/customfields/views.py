"""Settings > Custom fields: per object type, in display order; create, edit, reorder, delete.

Thin: the forms parse, customfields.services decide (key and type are fixed after creation,
deleting hides the field and keeps its key reserved), and the pages list through the same
query as GET /api/v1/custom-fields.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.pagination import MAX_LIMIT
from rapport.core.permissions import Principal, can, require
from rapport.customfields import queries, services
from rapport.customfields.forms import (
    TYPE_LABELS,
    CustomFieldCreateForm,
    CustomFieldEditForm,
    options_text,
)
from rapport.customfields.models import OBJECT_TYPES, CustomField
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/custom-fields"
OBJECT_LABELS = {
    "contact": "Contacts",
    "company": "Companies",
    "deal": "Deals",
    "ticket": "Tickets",
}
OPTION_NAMES = {"options.currency": "currency"}


def _object_type(request: HttpRequest) -> str:
    wanted = request.GET.get("object_type") or request.POST.get("object_type") or ""
    return wanted if wanted in OBJECT_TYPES else OBJECT_TYPES[0]


def _fields_of(principal: Principal, object_type: str) -> list[CustomField]:
    """The object type's live fields in display order (at most MAX_LIMIT, like the API)."""
    params = ListParams(
        filter=[f"object_type:eq:{object_type}"],
        sort="position",
        limit=MAX_LIMIT,
        cursor=None,
        fields=None,
    )
    return queries.list_custom_fields(principal, params).items


def _list_url(object_type: str) -> str:
    return f"{URL}?object_type={object_type}"


@require_GET
@member_required
def field_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "custom_field")
    object_type = _object_type(request)
    context = {
        "object_type": object_type,
        "tabs": [(t, OBJECT_LABELS[t]) for t in OBJECT_TYPES],
        "fields": _fields_of(principal, object_type),
        "type_labels": TYPE_LABELS,
        "can_create": can(principal, "create", "custom_field"),
        "can_edit": can(principal, "edit", "custom_field"),
        "can_delete": can(principal, "delete", "custom_field"),
    }
    return render_settings(request, "settings/custom_fields.html", context)


def _form_page(
    request: HttpRequest, form: Any, field: CustomField | None, object_type: str, status: int
) -> HttpResponse:
    context = {
        "form": form,
        "field": field,
        "object_type": object_type,
        "object_label": OBJECT_LABELS[object_type],
        "type_labels": TYPE_LABELS,
        "can_save": can(page_principal(request), "edit" if field else "create", "custom_field"),
    }
    return render_settings(request, "settings/custom_field.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def field_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", "custom_field")
    object_type = _object_type(request)
    form = CustomFieldCreateForm(request.POST or None)
    if request.method != "POST":
        return _form_page(request, form, None, object_type, 200)
    if not form.is_valid():
        return _form_page(request, form, None, object_type, 422)
    data, field_type = form.cleaned_data, form.cleaned_data["field_type"]
    try:
        field = services.create_custom_field(
            principal,
            object_type=object_type,
            key=data["key"].strip(),
            label=data["label"],
            field_type=field_type,
            options=form.options_for(field_type),
            is_required=data["is_required"],
            help_text=data["help_text"],
        )
    except Invalid as exc:
        add_service_errors(form, exc, OPTION_NAMES)
        return _form_page(request, form, None, object_type, 422)
    except Conflict as exc:
        form.add_error("key", exc.detail)
        return _form_page(request, form, None, object_type, 409)
    messages.success(request, f"Field {field.label} added to {OBJECT_LABELS[object_type]}.")
    return redirect(_list_url(object_type))


def _edit_initial(field: CustomField) -> dict[str, Any]:
    currency = field.options.get("currency", "") if isinstance(field.options, dict) else ""
    return {
        "label": field.label,
        "options": options_text(field),
        "currency": currency,
        "help_text": field.help_text,
        "is_required": field.is_required,
    }


def _changes(form: CustomFieldEditForm, field: CustomField) -> dict[str, Any]:
    data = form.cleaned_data
    changes = {k: data[k] for k in ("label", "help_text", "is_required")}
    if "options" in form.fields or "currency" in form.fields:
        changes["options"] = form.options_for(field.field_type)
    return changes


@require_http_methods(["GET", "POST"])
@member_required
def field_edit(request: HttpRequest, field_id: int) -> HttpResponse:
    principal = page_principal(request)
    field = queries.get_custom_field(principal, field_id)
    form = CustomFieldEditForm(
        request.POST or None, initial=_edit_initial(field), field_type=field.field_type
    )
    if request.method != "POST":
        return _form_page(request, form, field, field.object_type, 200)
    if not form.is_valid():
        return _form_page(request, form, field, field.object_type, 422)
    version = _posted_version(request)
    try:
        services.update_custom_field(principal, field_id, _changes(form, field), version)
    except Invalid as exc:
        add_service_errors(form, exc, OPTION_NAMES)
        return _form_page(request, form, field, field.object_type, 422)
    except PreconditionFailed:
        form.add_error(None, "Someone changed this field meanwhile; reload it and try again.")
        return _form_page(request, form, field, field.object_type, 409)
    messages.success(request, f"Field {form.cleaned_data['label']} saved.")
    return redirect(_list_url(field.object_type))


def _posted_version(request: HttpRequest) -> int | None:
    raw = request.POST.get("version", "")
    return int(raw) if raw.isdigit() else None


@require_POST
@member_required
def field_move(request: HttpRequest, field_id: int) -> HttpResponse:
    """Move a field one place up or down in its object type's order."""
    principal = page_principal(request)
    field = queries.get_custom_field(principal, field_id)
    ids = [f.pk for f in _fields_of(principal, field.object_type)]
    here = ids.index(field.pk)
    there = here - 1 if request.POST.get("direction") == "up" else here + 1
    if 0 <= there < len(ids):
        ids[here], ids[there] = ids[there], ids[here]
    try:  # at either end nothing moves, but the service still checks the right
        services.reorder_custom_fields(principal, field.object_type, ids)
    except Invalid as exc:
        messages.error(request, exc.detail)
        return redirect(_list_url(field.object_type))
    if 0 <= there < len(ids):
        messages.success(request, f"Moved {field.label} {'up' if there < here else 'down'}.")
    return redirect(f"{_list_url(field.object_type)}#field-{field.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def field_delete(request: HttpRequest, field_id: int) -> HttpResponse:
    """GET: what deleting does, asked before it happens; POST: delete."""
    principal = page_principal(request)
    field = queries.get_custom_field(principal, field_id)
    if request.method == "POST":
        services.delete_custom_field(principal, field_id)
        messages.success(request, f"Field {field.label} deleted; its values are hidden.")
        return redirect(_list_url(field.object_type))
    require(principal, "delete", "custom_field", field)
    context = {
        "field": field,
        "object_label": OBJECT_LABELS[field.object_type],
        "object_type": field.object_type,
    }
    return render_settings(request, "settings/custom_field_delete.html", context)
