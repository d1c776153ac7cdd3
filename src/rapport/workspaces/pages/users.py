"""Settings > Users: members with their role and seat, pending invitations, inviting someone."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import Conflict, Invalid
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import Principal, can, require
from rapport.workspaces import queries, services
from rapport.workspaces.auth import member_required
from rapport.workspaces.models import Role
from rapport.workspaces.pages.forms import InviteForm, MemberRoleForm
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.services.invitations import INVITATION_DAYS
from rapport.workspaces.services.members import OWNER, is_owner

URL = "/settings/users"


def _offered_roles(principal: Principal, roles: list[Role]) -> list[Role]:
    """Only owners may hand out the owner role; the service refuses it to anyone else too."""
    return roles if is_owner(principal) else [role for role in roles if role.key != OWNER]


def _users_page(
    request: HttpRequest,
    invite_form: InviteForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", "user")
    roles = _offered_roles(principal, queries.list_roles(principal))
    members = queries.list_members(principal)
    may_change_owners = is_owner(principal)
    may_edit = can(principal, "edit", "user")
    today = queries.workspace_today(principal.workspace_id)
    context: dict[str, Any] = {
        "rows": [
            {
                "seat": seat,
                "is_active": seat.is_active and seat.user.is_active,
                "is_me": seat.user_id == principal.user_id,
                "is_editable": may_change_owners or seat.role.key != OWNER,
                "is_away": seat.is_away_on(today),
                "can_set_away": may_edit or seat.user_id == principal.user_id,
            }
            for seat in members
        ],
        "roles": roles,
        "invitations": queries.list_pending_invitations(principal),
        "invitation_days": INVITATION_DAYS,
        "time_zone": queries.find_workspace(principal).time_zone,
        "invite_form": invite_form or InviteForm(roles=roles, initial={"role": "sales_rep"}),
        "problem": problem,
        "can_invite": can(principal, "create", "user"),
        "can_edit": can(principal, "edit", "user"),
        "can_revoke": can(principal, "delete", "user"),
    }
    return render_settings(request, "settings/users.html", context, status)


@require_GET
@member_required
def users_page(request: HttpRequest) -> HttpResponse:
    return _users_page(request)


@require_POST
@member_required
def invite(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    roles = _offered_roles(principal, queries.list_roles(principal))
    form = InviteForm(request.POST, roles=roles)
    if not form.is_valid():
        return _users_page(request, form, status=422)
    try:
        invitation = services.invite_user(
            principal, form.cleaned_data["email"], form.cleaned_data["role"]
        )
    except Invalid as exc:
        add_service_errors(form, exc)
        return _users_page(request, form, status=422)
    except Conflict as exc:
        form.add_error(None, exc.detail)
        return _users_page(request, form, status=409)
    messages.success(request, f"Invitation sent to {invitation.email}.")
    return redirect(URL)


@require_POST
@member_required
def change_role(request: HttpRequest, user_id: int) -> HttpResponse:
    principal = page_principal(request)
    form = MemberRoleForm(request.POST, roles=queries.list_roles(principal))
    if not form.is_valid():
        return _users_page(request, problem="Choose one of the roles listed.", status=422)
    try:
        seat = services.change_member_role(principal, user_id, form.cleaned_data["role"])
    except Invalid as exc:
        return _users_page(request, problem=exc.detail, status=422)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(URL)
    messages.success(request, f"{seat.user} is now {seat.role.name}.")
    return redirect(URL)


@require_POST
@member_required
def deactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    try:
        seat = services.deactivate_member(page_principal(request), user_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(URL)
    messages.success(request, f"{seat.user} can no longer sign in to this workspace.")
    return redirect(URL)


@require_POST
@member_required
def reactivate(request: HttpRequest, user_id: int) -> HttpResponse:
    seat = services.reactivate_member(page_principal(request), user_id)
    messages.success(request, f"{seat.user} is active again.")
    return redirect(URL)


@require_POST
@member_required
def revoke_invitation(request: HttpRequest, invitation_id: int) -> HttpResponse:
    try:
        invitation = services.revoke_invitation(page_principal(request), invitation_id)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(URL)
    messages.success(request, f"The invitation to {invitation.email} was withdrawn.")
    return redirect(URL)
