"""Settings > Roles: the workspace's roles and each role's grid of grants.

Built-in roles are shown read-only; custom roles can be created, changed and deleted (a role
still held by members or offered by invitations is refused by the service with the reason).
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.errors import Conflict, Invalid
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import ACTIONS, can, require
from rapport.workspaces import queries, services
from rapport.workspaces.auth import member_required
from rapport.workspaces.models import Role
from rapport.workspaces.pages.forms import RoleForm
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/roles"


@require_GET
@member_required
def role_list(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "role")
    context = {
        "roles": queries.list_roles(principal),
        "can_create": can(principal, "create", "role"),
    }
    return render_settings(request, "settings/roles.html", context)


def _role_page(
    request: HttpRequest, form: RoleForm, role: Role | None, status: int = 200
) -> HttpResponse:
    principal = page_principal(request)
    is_custom = role is None or not role.is_builtin
    context = {
        "form": form,
        "role": role,
        "actions": ACTIONS,
        "can_save": is_custom and can(principal, "edit" if role else "create", "role"),
        "can_delete": role is not None and is_custom and can(principal, "delete", "role"),
    }
    return render_settings(request, "settings/role.html", context, status)


def _save(request: HttpRequest, form: RoleForm, role: Role | None) -> tuple[Role | None, int]:
    """Create or update from a posted form: the saved role, or None and the status to answer."""
    principal = page_principal(request)
    if not form.is_valid():
        return None, 422
    name, grants = form.cleaned_data["name"], form.grants()
    try:
        if role is None:
            return services.create_role(principal, name, grants), 201
        return services.update_role(principal, role.pk, name, grants), 200
    except Invalid as exc:
        add_service_errors(form, exc)
        return None, 422
    except Conflict as exc:
        form.add_error(None, exc.detail)
        return None, 409


@require_http_methods(["GET", "POST"])
@member_required
def role_new(request: HttpRequest) -> HttpResponse:
    require(page_principal(request), "create", "role")
    form = RoleForm(request.POST or None)
    if request.method == "POST":
        saved, status = _save(request, form, None)
        if saved is not None:
            messages.success(request, f"Role {saved.name} created.")
            return redirect(f"{URL}/{saved.pk}")
        return _role_page(request, form, None, status)
    return _role_page(request, form, None)


@require_http_methods(["GET", "POST"])
@member_required
def role_detail(request: HttpRequest, role_id: int) -> HttpResponse:
    principal = page_principal(request)
    role = queries.get_role(principal, role_id)
    read_only = role.is_builtin or not can(principal, "edit", "role")
    if request.method == "POST":
        form = RoleForm(request.POST, initial=RoleForm.initial_of(role))
        saved, status = _save(request, form, role)
        if saved is not None:
            messages.success(request, f"Role {saved.name} saved.")
            return redirect(f"{URL}/{saved.pk}")
        return _role_page(request, form, role, status)
    form = RoleForm(initial=RoleForm.initial_of(role), read_only=read_only)
    return _role_page(request, form, role)


@require_POST
@member_required
def role_delete(request: HttpRequest, role_id: int) -> HttpResponse:
    principal = page_principal(request)
    name = queries.get_role(principal, role_id).name
    try:
        services.delete_role(principal, role_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(f"{URL}/{role_id}")
    messages.success(request, f"Role {name} deleted.")
    return redirect(URL)
