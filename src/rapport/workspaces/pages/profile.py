"""Settings home and Settings > Workspace: the workspace's name and regional defaults."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from rapport.core.errors import Forbidden, Invalid
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import can, require
from rapport.workspaces import services
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.forms import WorkspaceProfileForm
from rapport.workspaces.pages.sections import render_settings, sections_for
from rapport.workspaces.queries import find_workspace
from rapport.workspaces.services.workspace_profile import profile_of


@require_GET
@member_required
def settings_home(request: HttpRequest) -> HttpResponse:
    """The first section this role may see."""
    sections = sections_for(page_principal(request))
    if not sections:
        raise Forbidden("Your role has no settings to see.")
    return redirect(sections[0].url)


@require_http_methods(["GET", "POST"])
@member_required
def workspace_profile(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "workspace")
    workspace = find_workspace(principal)
    form = WorkspaceProfileForm(
        request.POST or None, initial=profile_of(workspace), time_zone=workspace.time_zone
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_workspace(principal, form.cleaned_data)
            except Invalid as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "Workspace settings saved.")
                return redirect("/settings/workspace")
        status = 422
    context = {
        "form": form,
        "can_edit": can(principal, "edit", "workspace"),
        "base_currency": workspace.default_currency,
    }
    return render_settings(request, "settings/workspace.html", context, status)
