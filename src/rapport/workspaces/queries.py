"""Reads about workspaces and users: who is acting (the Principal), members, roles, teams."""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from dataclasses import dataclass

from django.db.models import JSONField, OuterRef, QuerySet, Subquery
from django.utils import timezone

from rapport.core.errors import NotFound, Unauthenticated
from rapport.core.permissions import Principal, visible
from rapport.workspaces.models import (
    ApiToken,
    Invitation,
    Membership,
    Role,
    Team,
    User,
    Workspace,
)

LIST_LIMIT = 200  # settings lists are small; the API returns at most this many rows


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def find_membership(user_id: int, workspace_id: int) -> Membership | None:
    return (
        Membership.objects.select_related("role", "user")
        .filter(user_id=user_id, workspace_id=workspace_id, is_active=True, user__is_active=True)
        .first()
    )


def team_user_ids(user_id: int, workspace_id: int) -> frozenset[int]:
    teams = Team.objects.filter(workspace_id=workspace_id, members__id=user_id)
    ids = User.objects.filter(teams__in=teams).values_list("id", flat=True)
    return frozenset(ids)


def _uses_team_scope(grants: dict[str, dict[str, str]]) -> bool:
    return any("team" in actions.values() for actions in grants.values())


def _principal(
    user: User,
    workspace_id: int,
    role_key: str,
    grants: dict[str, dict[str, str]],
    request_id: str,
    token: ApiToken | None = None,
) -> Principal:
    # Team members are looked up only for roles with a "team" scope somewhere.
    teams = team_user_ids(user.pk, workspace_id) if _uses_team_scope(grants) else frozenset()
    return Principal(
        workspace_id=workspace_id,
        user_id=user.pk,
        grants=grants,
        team_user_ids=teams,
        token_id=token.pk if token else None,
        token_can_write=token.can_write if token else True,
        request_id=request_id,
        is_admin=role_key in {"owner", "admin"},
        extra={"label": str(user), "role": role_key},
    )


def principal_for(
    user: User, workspace_id: int, request_id: str = "", token: ApiToken | None = None
) -> Principal:
    """The Principal for a user acting in a workspace; NotFound if they are no active member."""
    membership = find_membership(user.pk, workspace_id)
    if membership is None:
        raise NotFound("workspace not found")
    role = membership.role
    return _principal(user, workspace_id, role.key, role.grants, request_id, token)


def principal_for_token(raw: str, request_id: str = "") -> Principal:
    """Resolve a bearer token in one query; revoked tokens and inactive users are refused."""
    seat = Membership.objects.filter(
        user_id=OuterRef("user_id"), workspace_id=OuterRef("workspace_id"), is_active=True
    )
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(raw), revoked_at__isnull=True, user__is_active=True)
        .annotate(
            role_key=Subquery(seat.values("role__key")[:1]),
            role_grants=Subquery(seat.values("role__grants")[:1], output_field=JSONField()),
        )
        .first()
    )
    if token is None:
        raise Unauthenticated("The API token is not valid.")
    if token.role_key is None:
        raise Unauthenticated("The API token's user is no longer a member.")
    principal = _principal(
        token.user, token.workspace_id, token.role_key, token.role_grants, request_id, token
    )
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Written at most once a minute per token so reads stay cheap.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return principal


def workspaces_of(user: User) -> QuerySet[Workspace]:
    seats = Membership.objects.filter(user=user, is_active=True).values("workspace_id")
    return Workspace.objects.filter(pk__in=seats).order_by("name")


def list_members(principal: Principal) -> list[Membership]:
    """Members of the principal's workspace (active and not), oldest first, at most LIST_LIMIT."""
    members = Membership.objects.select_related("user", "role").order_by("created_at", "pk")
    return list(visible(principal, members, "user")[:LIST_LIMIT])


def get_member(principal: Principal, user_id: int, for_update: bool = False) -> Membership:
    """A user's seat in the principal's workspace; NotFound for anyone else's."""
    members = visible(principal, Membership.objects.select_related("user", "role"), "user")
    if for_update:
        members = members.select_for_update(of=("self",))
    membership = members.filter(user_id=user_id).first()
    if membership is None:
        raise NotFound("user not found")
    return membership


def workspace_today(workspace_id: int) -> dt.date:
    """Today in the workspace's time zone: the day an away date is read against."""
    name = Workspace.objects.values_list("time_zone", flat=True).get(pk=workspace_id)
    try:
        zone = zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


@dataclass(frozen=True)
class TeamAvailability:
    """A team's active members on a day, by user id: who can take new records, who is away."""

    available: list[int]
    away: list[int]


def team_availability(workspace_id: int, team_id: int, today: dt.date) -> TeamAvailability:
    """Round-robin and fewest-open assignment choose among `available` (one query)."""
    seats = Membership.objects.filter(
        workspace_id=workspace_id,
        is_active=True,
        user__is_active=True,
        user__teams__id=team_id,
        user__teams__workspace_id=workspace_id,
    ).values_list("user_id", "away_until")
    rows = sorted(set(seats))
    away = [user_id for user_id, until in rows if until is not None and until >= today]
    return TeamAvailability([user_id for user_id, _ in rows if user_id not in away], away)


def list_roles(principal: Principal) -> list[Role]:
    return list(visible(principal, Role.objects.order_by("-is_builtin", "name"), "role"))


def get_role(principal: Principal, role_id: int) -> Role:
    role = visible(principal, Role.objects.all(), "role").filter(pk=role_id).first()
    if role is None:
        raise NotFound("role not found")
    return role


def list_teams(principal: Principal) -> list[Team]:
    teams = Team.objects.prefetch_related("members").order_by("name")
    return list(visible(principal, teams, "team")[:LIST_LIMIT])


def get_team(principal: Principal, team_id: int) -> Team:
    team = visible(principal, Team.objects.prefetch_related("members"), "team")
    found = team.filter(pk=team_id).first()
    if found is None:
        raise NotFound("team not found")
    return found


def list_invitations(principal: Principal) -> list[Invitation]:
    """Invitations of the workspace, newest first; seeing them needs the right to view users."""
    invitations = Invitation.objects.select_related("role").order_by("-created_at", "-pk")
    return list(visible(principal, invitations, "user")[:LIST_LIMIT])


def list_pending_invitations(principal: Principal) -> list[Invitation]:
    """The invitations that can still be accepted, newest first, with their role and inviter."""
    invitations = pending_invitations(principal.workspace_id).select_related("role", "invited_by")
    invitations = invitations.order_by("-created_at", "-pk")
    return list(visible(principal, invitations, "user")[:LIST_LIMIT])


def pending_invitations(workspace_id: int) -> QuerySet[Invitation]:
    """Invitations that can still be accepted."""
    return Invitation.objects.filter(
        workspace_id=workspace_id,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )


def get_invitation(principal: Principal, invitation_id: int) -> Invitation:
    found = visible(principal, Invitation.objects.all(), "user").filter(pk=invitation_id).first()
    if found is None:
        raise NotFound("invitation not found")
    return found


def list_own_tokens(principal: Principal) -> list[ApiToken]:
    """The acting user's API tokens in this workspace (tokens are personal), newest first."""
    if principal.user_id is None:
        return []  # the system acts without tokens
    tokens = ApiToken.objects.filter(workspace_id=principal.workspace_id, user_id=principal.user_id)
    return list(tokens.order_by("-created_at", "-pk")[:LIST_LIMIT])


def has_any_workspace() -> bool:
    return Workspace.objects.exists()


def member_labels(principal: Principal, active_only: bool = False) -> dict[int, str]:
    """{user id: name or email} of the workspace's members, for owner columns and pickers."""
    seats = visible(principal, Membership.objects.all(), "user")
    if active_only:
        seats = seats.filter(is_active=True, user__is_active=True)
    rows = seats.order_by("user__full_name", "user__email").values_list(
        "user_id", "user__full_name", "user__email"
    )
    return {user_id: name or email for user_id, name, email in rows[:LIST_LIMIT]}


def find_workspace(principal: Principal) -> Workspace:
    """The principal's own workspace (time zone, currency and country defaults)."""
    return Workspace.objects.get(pk=principal.workspace_id)
