"""/api/v1/me, /api/v1/members and /api/v1/invitations: who you are, who is in the workspace."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Status

from rapport.core.api_support import RecordId
from rapport.core.errors import Invalid, Unauthenticated
from rapport.core.permissions import Principal
from rapport.workspaces import queries, services
from rapport.workspaces.models import Invitation, Membership, Workspace
from rapport.workspaces.schemas import (
    InvitationCreate,
    InvitationRead,
    MemberRead,
    MemberUpdate,
    MeRead,
    MeUpdate,
    WorkspaceRead,
)

me_router = Router(tags=["me"])
router = Router(tags=["members"])
invitations_router = Router(tags=["invitations"])


def _workspace(workspace: Workspace) -> WorkspaceRead:
    return WorkspaceRead(id=workspace.pk, name=workspace.name, slug=workspace.slug)


@me_router.get("/me", response=MeRead)
def me(request: HttpRequest) -> MeRead:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    return _me(principal)


@me_router.patch("/me", response=MeRead)
def update_me(request: HttpRequest, payload: MeUpdate) -> MeRead:
    """Mark yourself away through a day (`away_until`), or back (null)."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    if principal.user_id is None:
        raise Unauthenticated("Sign in as a member to change yourself.")
    services.set_member_away(principal, principal.user_id, payload.away_until)
    return _me(principal)


def _me(principal: Principal) -> MeRead:
    seat = queries.find_membership(principal.user_id or 0, principal.workspace_id)
    if seat is None:
        raise Unauthenticated("You are not an active member of this workspace.")
    workspaces = queries.workspaces_of(seat.user)
    return MeRead(
        id=seat.user.pk,
        email=seat.user.email,
        full_name=seat.user.full_name,
        role=seat.role.key,
        workspace=_workspace(Workspace.objects.get(pk=principal.workspace_id)),
        workspaces=[_workspace(w) for w in workspaces],
        token_id=principal.token_id,
        away_until=seat.away_until,
    )


def member_body(seat: Membership, today: dt.date) -> MemberRead:
    return MemberRead(
        id=seat.user.pk,
        email=seat.user.email,
        full_name=seat.user.full_name,
        role=seat.role.key,
        is_active=seat.is_active and seat.user.is_active,
        joined_at=seat.created_at,
        away_until=seat.away_until,
        is_away=seat.is_away_on(today),
    )


@router.get("", response=list[MemberRead])
def list_members(request: HttpRequest) -> list[MemberRead]:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    today = queries.workspace_today(principal.workspace_id)
    return [member_body(seat, today) for seat in queries.list_members(principal)]


@router.get("/{user_id}", response=MemberRead)
def get_member(request: HttpRequest, user_id: RecordId) -> MemberRead:
    principal: Principal = request.auth  # type: ignore[attr-defined]
    today = queries.workspace_today(principal.workspace_id)
    return member_body(queries.get_member(principal, user_id), today)


@router.patch("/{user_id}", response=MemberRead)
def update_member(request: HttpRequest, user_id: RecordId, payload: MemberUpdate) -> MemberRead:
    """Change a member's role, seat (`is_active`) or away date; a member may set their own
    `away_until`, the rest needs the right to edit users."""
    principal: Principal = request.auth  # type: ignore[attr-defined]
    sets_away = "away_until" in payload.model_fields_set
    if payload.role is None and payload.is_active is None and not sets_away:
        raise Invalid.on("role", "Send role, is_active, away_until or several.")
    with transaction.atomic():
        if payload.role is not None:
            services.change_member_role(principal, user_id, payload.role)
        if payload.is_active is True:
            services.reactivate_member(principal, user_id)
        elif payload.is_active is False:
            services.deactivate_member(principal, user_id)
        if sets_away:
            services.set_member_away(principal, user_id, payload.away_until)
    today = queries.workspace_today(principal.workspace_id)
    return member_body(queries.get_member(principal, user_id), today)


def invitation_status(invitation: Invitation) -> str:
    if invitation.accepted_at is not None:
        return "accepted"
    if invitation.revoked_at is not None:
        return "revoked"
    return "expired" if invitation.expires_at <= timezone.now() else "pending"


def invitation_body(invitation: Invitation) -> InvitationRead:
    return InvitationRead(
        id=invitation.pk,
        email=invitation.email,
        role=invitation.role.key,
        status=invitation_status(invitation),
        invited_by_id=invitation.invited_by_id,
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
        accepted_at=invitation.accepted_at,
        revoked_at=invitation.revoked_at,
    )


@invitations_router.get("", response=list[InvitationRead])
def list_invitations(request: HttpRequest) -> list[InvitationRead]:
    return [invitation_body(i) for i in queries.list_invitations(request.auth)]  # type: ignore[attr-defined]


@invitations_router.post("", response={201: InvitationRead})
def invite_user(request: HttpRequest, payload: InvitationCreate) -> Status[InvitationRead]:
    invitation = services.invite_user(request.auth, payload.email, payload.role)  # type: ignore[attr-defined]
    return Status(201, invitation_body(invitation))


@invitations_router.delete("/{invitation_id}", response={204: None})
def revoke_invitation(request: HttpRequest, invitation_id: RecordId) -> Status[None]:
    services.revoke_invitation(request.auth, invitation_id)  # type: ignore[attr-defined]
    return Status(204, None)
