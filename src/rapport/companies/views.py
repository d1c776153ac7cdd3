"""Pages: the company list, a company's page with in-place editing, the new-company form, and
the company picker's suggestions for other forms.

Thin: they read input, call companies.services / companies.queries with the Principal, and
render a company from its API body (companies.schemas.company_body) through FieldSpecs.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.companies import queries, services
from rapport.companies.forms import CREATE_FIELDS, DEFAULT_COLUMNS, company_specs
from rapport.companies.models import Company
from rapport.companies.schemas import company_body
from rapport.contacts.models import Contact
from rapport.contacts.queries import list_contacts
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

OBJECT_TYPE = "company"
RELATED_CONTACTS = 20  # a company's page lists this many of its contacts, then links to the rest


def _specs(principal: Principal) -> list[FieldSpec]:
    return company_specs(active_fields(principal.workspace_id, OBJECT_TYPE))


def _display_context(principal: Principal) -> dict[str, Any]:
    """What showing companies needs besides their bodies: names of owners, the time zone."""
    members = member_labels(principal)
    return {
        "members": members,
        "member_choices": list(members.items()),
        "time_zone": find_workspace(principal).time_zone,
    }


def _load(principal: Principal, company_id: int) -> tuple[Company, dict[str, Any]]:
    company = queries.get_company(principal, company_id)
    return company, company_body(company, active_fields(principal.workspace_id, OBJECT_TYPE))


EDITOR = RecordEditor(
    object_type=OBJECT_TYPE,
    url="/companies/{}",
    load=_load,
    update=services.update_company,
    specs=_specs,
    display_context=lambda principal, body: _display_context(principal),
)


# --- The list -----------------------------------------------------------------------------------


def _list_context(principal: Principal, list_views: ListViews) -> dict[str, Any]:
    state = list_views.state
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    specs = company_specs(custom_fields)
    params = ListParams(
        filter=list(state.filters),
        sort=state.sort or None,
        limit=PAGE_SIZE,
        cursor=state.cursor,
        fields=None,
    )
    problem = None
    try:
        page = queries.list_companies(principal, params, custom_fields)
    except Invalid as exc:
        page, problem = Page([], None, 0, False), exc
    rows = [(str(company), company_body(company, custom_fields)) for company in page.items]
    name_spec = next(s for s in specs if s.name == "name")
    optional = [s for s in specs if s is not name_spec]  # Name is always the first column
    columns = visible_columns(state, optional)
    return {
        "state": state,
        "list_views": list_views,
        "object_type": OBJECT_TYPE,
        "specs": specs,
        "columns": columns,
        "headers": [(spec, *state.sort_link(spec)) for spec in columns],
        "name_sort": state.sort_link(name_spec),
        "column_choices": column_choices(state, optional),
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
        **_display_context(principal),
    }


@require_GET
@member_required
def company_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    list_views = list_state_with_views(principal, OBJECT_TYPE, request.GET, DEFAULT_COLUMNS)
    context = _list_context(principal, list_views)
    if is_htmx(request) and list_views.state.cursor:
        return render(request, "companies/list.html#rows", context)
    return render(request, "companies/list.html", context)


# --- One company --------------------------------------------------------------------------------


def _company_contacts(principal: Principal, company: Company) -> Page[Contact]:
    """The first of the company's contacts by name, as /contacts lists them (total capped)."""
    params = ListParams(
        filter=[f"company_id:eq:{company.pk}"],
        sort="last_name,first_name",
        limit=RELATED_CONTACTS,
        cursor=None,
        fields=None,
    )
    return list_contacts(principal, params, [])


@require_GET
@member_required
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    principal = page_principal(request)
    company, body = _load(principal, company_id)
    specs = _specs(principal)
    context = {
        "company": company,
        "body": body,
        "url": f"/companies/{company.pk}",
        "about": [s for s in specs if not s.is_custom],
        "custom": [s for s in specs if s.is_custom],
        "can_edit": can(principal, "edit", OBJECT_TYPE, company),
        "can_delete": can(principal, "delete", OBJECT_TYPE, company),
        **_display_context(principal),
    }
    if is_htmx(request) and "header" in request.GET:
        return render(request, "companies/detail.html#header", context)
    if can(principal, "view", "contact"):
        context["contacts"] = _company_contacts(principal, company)
    return render(request, "companies/detail.html", context)


@require_GET
@member_required
def company_history(request: HttpRequest, company_id: int) -> HttpResponse:
    principal = page_principal(request)
    company = queries.get_company(principal, company_id)
    page = list_record_history(principal, company, cursor=request.GET.get("cursor"), limit=25)
    context = {"entries": page.items, "page": page, "url": f"/companies/{company.pk}"}
    return render(request, "contacts/_history.html", context)


@require_http_methods(["GET", "POST"])
@member_required
def company_field(request: HttpRequest, company_id: int, name: str) -> HttpResponse:
    """GET shows one field; POST saves it (see core.inline_edit for the conflict rules)."""
    if request.method == "POST":
        time_zone = find_workspace(page_principal(request)).time_zone
        return save_field(request, EDITOR, company_id, name, time_zone)
    return show_field(request, EDITOR, company_id, name)


@require_GET
@member_required
def company_field_edit(request: HttpRequest, company_id: int, name: str) -> HttpResponse:
    return edit_field(request, EDITOR, company_id, name)


@require_POST
@member_required
def company_delete(request: HttpRequest, company_id: int) -> HttpResponse:
    principal = page_principal(request)
    company = queries.get_company(principal, company_id)
    services.delete_company(principal, company_id)
    messages.success(request, f"{company} was moved to the restore bin (kept for 30 days).")
    return redirect("/companies")


# --- A new company ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@member_required
def company_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    specs = [s for s in _specs(principal) if s.name in CREATE_FIELDS or s.is_custom]
    workspace = find_workspace(principal)
    errors: dict[str, list[str]] = {}
    problems: list[str] = []
    if request.method == "POST":
        data = service_data(specs, request.POST, workspace.time_zone)
        try:
            company = services.create_company(principal, data)
        except Invalid as exc:
            errors, problems = errors_by_input(exc, specs)
        else:
            messages.success(request, f"{company} was added.")
            return redirect(f"/companies/{company.pk}")
    context = {
        "specs": specs,
        "body": {"owner_id": principal.user_id},
        "posted": request.POST if request.method == "POST" else None,
        "errors": errors,
        "problems": problems,
        **_display_context(principal),
    }
    return render(request, "companies/new.html", context, status=422 if errors or problems else 200)


def _typed_domains(raw: str) -> list[str]:
    """The well-formed domains among what was typed, as the service would store them."""
    domains = []
    for line in raw.replace(",", "\n").splitlines()[:10]:
        try:
            domains.append(services.normalise_domain(line))
        except ValueError:
            continue  # the form reports it on save
    return domains


@require_GET
@member_required
def company_duplicates(request: HttpRequest) -> HttpResponse:
    """The duplicate warning under the new-company form's domains, as the user types them."""
    principal = page_principal(request)
    domains = _typed_domains(request.GET.get("domains", ""))
    found = queries.find_companies_by_domain(principal, domains)
    return render(request, "companies/new.html#duplicates", {"duplicates": found})


@require_GET
@member_required
def company_options(request: HttpRequest) -> HttpResponse:
    """A company picker's suggestions: `<option>`s for its `<datalist>`, from the typed text.

    The picker is the `company_id` input of a contact form, so the typed text comes as that.
    """
    principal = page_principal(request)
    names = queries.suggest_companies(principal, request.GET.get("company_id", ""))
    return render(request, "companies/_options.html", {"names": names})


# --- Bulk actions on selected companies -----------------------------------------------------------

BULK_LIMIT = 500


def _back_to_list(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("list_query", "")
    return redirect(f"/companies?{query}" if query else "/companies")


@require_POST
@member_required
def company_bulk(request: HttpRequest) -> HttpResponse:
    """Assign an owner, add or remove a tag, or delete: all or nothing."""
    principal = page_principal(request)
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()][:BULK_LIMIT]
    action = request.POST.get("action", "")
    if action == "export" and ids:  # a download of the selected rows, not a write
        query = urlencode({"filter": f"id:in:{','.join(map(str, ids))}"})
        return redirect(f"/api/v1/companies/export?{query}")
    if not ids:
        messages.error(request, "Select at least one company first.")
        return _back_to_list(request)
    try:
        count = _run_bulk(principal, action, ids, request.POST)
    except (Invalid, Forbidden, NotFound) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Nothing was changed. {detail}")
    else:
        messages.success(request, f"{count} compan{'ies' if count != 1 else 'y'} updated.")
    return _back_to_list(request)


def _run_bulk(principal: Principal, action: str, ids: list[int], post: Any) -> int:
    if action == "owner":
        owner = post.get("owner_id", "")
        return services.bulk_update_companies(
            principal, ids, {"owner_id": int(owner) if owner.isdigit() else None}
        )
    if action == "add_tag":
        return services.bulk_tag_companies(principal, ids, add=post.get("tag", "").strip())
    if action == "remove_tag":
        return services.bulk_tag_companies(principal, ids, remove=post.get("tag", "").strip())
    if action == "delete":
        return services.bulk_delete_companies(principal, ids)
    raise Invalid.on("action", "Choose what to do with the selected companies.")
