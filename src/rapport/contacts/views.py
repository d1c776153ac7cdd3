"""Pages: the contact list, a contact's page with in-place editing, the new-contact form.

Thin: they read input, call contacts.services / contacts.queries with the Principal, and render
a contact from its API body (contacts.schemas.contact_body) through FieldSpecs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.companies.queries import company_names, find_companies_named
from rapport.contacts import queries, services
from rapport.contacts.forms import CREATE_FIELDS, DEFAULT_COLUMNS, HEADER_FIELDS, contact_specs
from rapport.contacts.models import LEAD_STAGES, Contact
from rapport.contacts.schemas import contact_body
from rapport.core.api_support import ListParams
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.field_specs import FieldSpec, errors_by_input, service_data
from rapport.core.history import list_record_history
from rapport.core.inline_edit import RecordEditor, edit_field, save_field, show_field
from rapport.core.list_state import (
    OPERATOR_LABELS,
    PAGE_SIZE,
    column_choices,
    visible_columns,
)
from rapport.core.pages import is_htmx, page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can, require
from rapport.customfields.queries import active_fields
from rapport.savedviews.queries import ListViews, list_state_with_views
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace, member_labels

OBJECT_TYPE = "contact"


def _specs(principal: Principal) -> list[FieldSpec]:
    return contact_specs(active_fields(principal.workspace_id, OBJECT_TYPE))


def _display_context(principal: Principal, bodies: list[dict[str, Any]]) -> dict[str, Any]:
    """What showing contacts needs besides their bodies: names of owners and companies."""
    members = member_labels(principal)
    return {
        "members": members,
        "member_choices": list(members.items()),
        "company_names": company_names(principal, (b["company_id"] for b in bodies)),
        "time_zone": find_workspace(principal).time_zone,
    }


def _load(principal: Principal, contact_id: int) -> tuple[Contact, dict[str, Any]]:
    contact = queries.get_contact(principal, contact_id)
    return contact, contact_body(contact, active_fields(principal.workspace_id, OBJECT_TYPE))


def _with_company_id(principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """The company picker posts a name; the service takes the id of the one company so named."""
    name = data.get("company_id")
    if not isinstance(name, str):
        return data
    found = find_companies_named(principal, name)
    if len(found) != 1:
        problem = "No company has that name." if not found else "Several companies have that name."
        raise Invalid.on("company_id", f"{problem} Pick one from the suggestions.")
    return {**data, "company_id": found[0].pk}


def _update(principal: Principal, contact_id: int, data: dict[str, Any], version: int) -> object:
    return services.update_contact(
        principal, contact_id, _with_company_id(principal, data), version
    )


EDITOR = RecordEditor(
    object_type=OBJECT_TYPE,
    url="/contacts/{}",
    load=_load,
    update=_update,
    specs=_specs,
    display_context=lambda principal, body: _display_context(principal, [body]),
)


# --- The list -----------------------------------------------------------------------------------


def _list_context(principal: Principal, list_views: ListViews) -> dict[str, Any]:
    state = list_views.state
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    specs = contact_specs(custom_fields)
    params = ListParams(
        filter=list(state.filters),
        sort=state.sort or None,
        limit=PAGE_SIZE,
        cursor=state.cursor,
        fields=None,
    )
    problem = None
    try:
        page = queries.list_contacts(principal, params, custom_fields)
    except Invalid as exc:
        page, problem = Page([], None, 0, False), exc
    bodies = [contact_body(contact, custom_fields) for contact in page.items]
    rows = [(str(contact), body) for contact, body in zip(page.items, bodies, strict=True)]
    columns = visible_columns(state, specs)
    return {
        "state": state,
        "list_views": list_views,
        "object_type": OBJECT_TYPE,
        "specs": specs,
        "columns": columns,
        "headers": [(spec, *state.sort_link(spec)) for spec in columns],
        "name_sort": state.sort_link(next(s for s in specs if s.name == "last_name")),
        "column_choices": column_choices(state, specs),
        "rows": rows,
        "page": page,
        "problem": problem,
        "next_query": state.query_string(cursor=page.next_cursor) if page.next_cursor else "",
        "filterable": [spec for spec in specs if spec.filter_key],
        "operators": OPERATOR_LABELS,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_bulk_edit": can(principal, "edit", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
        "can_export": can(principal, "export", OBJECT_TYPE),
        "export_query": urlencode([("filter", t) for t in state.filters] + [("sort", state.sort)]),
        "stage_spec": next(s for s in specs if s.name == "lifecycle_stage"),
        **_display_context(principal, bodies),
    }


@require_GET
@member_required
def contact_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    list_views = list_state_with_views(principal, OBJECT_TYPE, request.GET, DEFAULT_COLUMNS)
    context = _list_context(principal, list_views)
    if is_htmx(request) and list_views.state.cursor:
        return render(request, "contacts/list.html#rows", context)
    return render(request, "contacts/list.html", context)


# --- One contact --------------------------------------------------------------------------------


@require_GET
@member_required
def contact_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    principal = page_principal(request)
    contact, body = _load(principal, contact_id)
    specs = _specs(principal)
    context = {
        "contact": contact,
        "body": body,
        "url": f"/contacts/{contact.pk}",
        "header": [s for s in specs if s.name in HEADER_FIELDS],
        "about": [s for s in specs if not s.is_custom and s.name not in {"primary_email"}],
        "custom": [s for s in specs if s.is_custom],
        "past_companies": queries.past_companies(principal, contact),
        "can_edit": can(principal, "edit", OBJECT_TYPE, contact),
        "can_delete": can(principal, "delete", OBJECT_TYPE, contact),
        "lead_stages": LEAD_STAGES,
        **_display_context(principal, [body]),
    }
    template = (
        "contacts/detail.html#header" if is_htmx(request) and "header" in request.GET else None
    )
    return render(request, template or "contacts/detail.html", context)


@require_GET
@member_required
def contact_history(request: HttpRequest, contact_id: int) -> HttpResponse:
    principal = page_principal(request)
    contact = queries.get_contact(principal, contact_id)
    page = list_record_history(principal, contact, cursor=request.GET.get("cursor"), limit=25)
    context = {"entries": page.items, "page": page, "url": f"/contacts/{contact.pk}"}
    return render(request, "contacts/_history.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def contact_field(request: HttpRequest, contact_id: int, name: str) -> HttpResponse:
    """GET shows one field; POST saves it (see core.inline_edit for the conflict rules)."""
    if request.method == "POST":
        time_zone = find_workspace(page_principal(request)).time_zone
        return save_field(request, EDITOR, contact_id, name, time_zone)
    return show_field(request, EDITOR, contact_id, name)


@require_GET
@member_required
def contact_field_edit(request: HttpRequest, contact_id: int, name: str) -> HttpResponse:
    return edit_field(request, EDITOR, contact_id, name)


@require_POST
@member_required
def contact_delete(request: HttpRequest, contact_id: int) -> HttpResponse:
    principal = page_principal(request)
    contact = queries.get_contact(principal, contact_id)
    services.delete_contact(principal, contact_id)
    messages.success(request, f"{contact} was moved to the restore bin (kept for 30 days).")
    return redirect("/contacts")


# --- A new contact ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def contact_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    specs = [s for s in _specs(principal) if s.name in CREATE_FIELDS or s.is_custom]
    workspace = find_workspace(principal)
    errors: dict[str, list[str]] = {}
    problems: list[str] = []
    if request.method == "POST":
        data = service_data(specs, request.POST, workspace.time_zone)
        try:
            contact = services.create_contact(principal, _with_company_id(principal, data))
        except Invalid as exc:
            errors, problems = errors_by_input(exc, specs)
        else:
            messages.success(request, f"{contact} was added.")
            return redirect(f"/contacts/{contact.pk}")
    context = {
        "specs": specs,
        "body": {"owner_id": principal.user_id, "lifecycle_stage": "lead"},
        "posted": request.POST if request.method == "POST" else None,
        "errors": errors,
        "problems": problems,
        **_display_context(principal, []),
    }
    return render(request, "contacts/new.html", context, status=422 if errors or problems else 200)


@require_GET
@member_required
def contact_duplicates(request: HttpRequest) -> HttpResponse:
    """The duplicate warning under the new-contact form's emails, as the user types them."""
    principal = page_principal(request)
    raw = request.GET.get("emails", "")
    emails = [e for e in raw.replace(",", "\n").splitlines() if "@" in e][:10]
    found = queries.find_contacts_by_email(principal, emails)
    return render(request, "contacts/new.html#duplicates", {"duplicates": found})


# --- Bulk actions on selected contacts ------------------------------------------------------------

BULK_LIMIT = 500


def _back_to_list(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("list_query", "")
    return redirect(f"/contacts?{query}" if query else "/contacts")


@require_POST
@member_required
def contact_bulk(request: HttpRequest) -> HttpResponse:
    """Assign an owner, add or remove a tag, change the stage or delete: all or nothing."""
    principal = page_principal(request)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:BULK_LIMIT]
    action = request.POST.get("action", "")
    if action == "export" and ids:  # a download of the selected rows, not a write
        query = urlencode({"filter": f"id:in:{','.join(map(str, ids))}"})
        return redirect(f"/api/v1/contacts/export?{query}")
    if not ids:
        messages.error(request, "Select at least one contact first.")
        return _back_to_list(request)
    try:
        count = _run_bulk(principal, action, ids, request.POST)
    except (Invalid, Forbidden, NotFound) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was changed. {detail}")
    else:
        messages.success(request, f"{count} contact{'s' if count != 1 else ''} updated.")
    return _back_to_list(request)


def _run_bulk(principal: Principal, action: str, ids: list[int], post: Any) -> int:
    if action == "owner":
        owner = post.get("owner_id", "")
        return services.bulk_update_contacts(
            principal, ids, {"owner_id": int(owner) if owner.isdigit() else None}
        )
    if action == "stage":
        return services.bulk_update_contacts(
            principal, ids, {"lifecycle_stage": post.get("lifecycle_stage", "")}
        )
    if action == "add_tag":
        return services.bulk_tag_contacts(principal, ids, add=post.get("tag", "").strip())
    if action == "remove_tag":
        return services.bulk_tag_contacts(principal, ids, remove=post.get("tag", "").strip())
    if action == "delete":
        return services.bulk_delete_contacts(principal, ids)
    raise Invalid.on("action", "Choose what to do with the selected contacts.")
