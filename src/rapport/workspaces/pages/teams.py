"""Settings > Teams: create, rename, choose members, delete. A team is the unit of "team" scope."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Conflict, Invalid
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import can, require
from rapport.workspaces import queries, services
from rapport.workspaces.auth import member_required
from rapport.workspaces.models import Team
from rapport.workspaces.pages.forms import TeamForm, TeamMembersForm
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/teams"


def _list_page(request: HttpRequest, form: TeamForm, status: int = 200) -> HttpResponse:
    principal = page_principal(request)
    context = {
        "teams": queries.list_teams(principal),
        "form": form,
        "can_create": can(principal, "create", "team"),
    }
    return render_settings(request, "settings/teams.html", context, status)


@require_http_methods(["GET", "POST"])
@member_required
def team_list(request: HttpRequest) -> HttpResponse:
    """The teams, and the form that creates one (POST)."""
    principal = page_principal(request)
    require(principal, "view", "team")
    form = TeamForm(request.POST or None)
    if request.method != "POST":
        return _list_page(request, form)
    if not form.is_valid():
        return _list_page(request, form, 422)
    try:
        team = services.create_team(principal, form.cleaned_data["name"])
    except Invalid as exc:
        add_service_errors(form, exc)
        return _list_page(request, form, 422)
    except Conflict as exc:
        form.add_error("name", exc.detail)
        return _list_page(request, form, 409)
    messages.success(request, f"Team {team.name} created; now choose its members.")
    return redirect(f"{URL}/{team.pk}")


def _save_team(request: HttpRequest, team: Team, form: TeamMembersForm) -> int:
    """Rename and set members together (all or nothing); the status to answer, 0 on success."""
    principal = page_principal(request)
    if not form.is_valid():
        return 422
    try:
        with transaction.atomic():
            services.rename_team(principal, team.pk, form.cleaned_data["name"])
            services.set_team_members(principal, team.pk, form.cleaned_data["members"])
    except Invalid as exc:
        add_service_errors(form, exc, {"user_ids": "members"})
        return 422
    except Conflict as exc:
        form.add_error("name", exc.detail)
        return 409
    return 0


@require_http_methods(["GET", "POST"])
@member_required
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    principal = page_principal(request)
    team = queries.get_team(principal, team_id)
    current = {user.pk: str(user) for user in team.members.all()}
    active = queries.member_labels(principal, active_only=True)
    choices = sorted({**current, **active}.items(), key=lambda item: item[1].lower())
    initial = {"name": team.name, "members": list(current)}
    form = TeamMembersForm(request.POST or None, initial=initial, member_choices=choices)
    status = 200
    if request.method == "POST":
        status = _save_team(request, team, form)
        if status == 0:
            messages.success(request, f"Team {form.cleaned_data['name']} saved.")
            return redirect(f"{URL}/{team.pk}")
    context = {
        "team": team,
        "form": form,
        "can_edit": can(principal, "edit", "team"),
        "can_delete": can(principal, "delete", "team"),
    }
    return render_settings(request, "settings/team.html", context, status)


@require_POST
@member_required
def team_delete(request: HttpRequest, team_id: int) -> HttpResponse:
    principal = page_principal(request)
    name = queries.get_team(principal, team_id).name
    services.delete_team(principal, team_id)
    messages.success(request, f"Team {name} deleted.")
    return redirect(URL)
