"""Reads about workspaces and users: resolving who is acting (the Principal)."""

from __future__ import annotations

import hashlib

from django.db.models import QuerySet
from django.utils import timezone

from rapport.core.errors import NotFound, Unauthenticated
from rapport.core.permissions import Principal
from rapport.workspaces.models import ApiToken, Membership, Team, User, Workspace


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


def principal_for(
    user: User, workspace_id: int, request_id: str = "", token: ApiToken | None = None
) -> Principal:
    """The Principal for a user acting in a workspace; NotFound if they are no active member."""
    membership = find_membership(user.pk, workspace_id)
    if membership is None:
        raise NotFound("workspace not found")
    return Principal(
        workspace_id=workspace_id,
        user_id=user.pk,
        grants=membership.role.grants,
        team_user_ids=team_user_ids(user.pk, workspace_id),
        token_id=token.pk if token else None,
        token_can_write=token.can_write if token else True,
        request_id=request_id,
        is_admin=membership.role.key in {"owner", "admin"},
        extra={"label": str(user), "role": membership.role.key},
    )


def principal_for_token(raw: str, request_id: str = "") -> Principal:
    """Resolve a bearer token; revoked tokens and deactivated users are refused at once."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_secret(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        raise Unauthenticated("The API token is not valid.")
    try:
        principal = principal_for(token.user, token.workspace_id, request_id, token)
    except NotFound as exc:
        raise Unauthenticated("The API token's user is no longer a member.") from exc
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        # Written at most once a minute per token so reads stay cheap.
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return principal


def workspaces_of(user: User) -> QuerySet[Workspace]:
    seats = Membership.objects.filter(user=user, is_active=True).values("workspace_id")
    return Workspace.objects.filter(pk__in=seats).order_by("name")
