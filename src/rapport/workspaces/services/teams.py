"""Writes about teams: create, rename, delete, and set who is in a team."""

from __future__ import annotations

from django.db import transaction

from rapport.core.audit import record_change
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Membership, Team
from rapport.workspaces.queries import get_team


def _clean_name(principal: Principal, name: str, team_id: int | None = None) -> str:
    cleaned = name.strip()[:100]
    if not cleaned:
        raise Invalid.on("name", "A team needs a name.")
    taken = Team.objects.filter(workspace_id=principal.workspace_id, name=cleaned)
    if team_id is not None:
        taken = taken.exclude(pk=team_id)
    if taken.exists():
        raise Conflict(f"There is already a team called {cleaned!r}.")
    return cleaned


@transaction.atomic
def create_team(principal: Principal, name: str) -> Team:
    require(principal, "create", "team")
    team = Team.objects.create(
        workspace_id=principal.workspace_id, name=_clean_name(principal, name)
    )
    record_change(principal, "create", "team", team, {"name": team.name})
    return team


@transaction.atomic
def rename_team(principal: Principal, team_id: int, name: str) -> Team:
    require(principal, "edit", "team")
    team = get_team(principal, team_id)
    cleaned = _clean_name(principal, name, team.pk)
    if cleaned != team.name:
        record_change(principal, "edit", "team", team, {"name": [team.name, cleaned]})
        team.name = cleaned
        team.save(update_fields=["name"])
    return team


@transaction.atomic
def delete_team(principal: Principal, team_id: int) -> None:
    require(principal, "delete", "team")
    team = get_team(principal, team_id)
    record_change(principal, "delete", "team", team, {"name": team.name})
    team.delete()


@transaction.atomic
def set_team_members(principal: Principal, team_id: int, user_ids: list[int]) -> Team:
    """Replace a team's members; each must be an active member of the workspace."""
    require(principal, "edit", "team")
    team = get_team(principal, team_id)
    wanted = list(dict.fromkeys(user_ids))
    active = set(
        Membership.objects.filter(
            workspace_id=principal.workspace_id,
            user_id__in=wanted,
            is_active=True,
            user__is_active=True,
        ).values_list("user_id", flat=True)
    )
    bad = [i for i, user_id in enumerate(user_ids) if user_id not in active]
    if bad:
        msg = "Only active members of this workspace can be in a team."
        raise Invalid(msg, [FieldError(("user_ids", i), msg) for i in bad])
    before = sorted(team.members.values_list("pk", flat=True))
    team.members.set(wanted)
    after = sorted(wanted)
    if before != after:
        record_change(principal, "edit", "team", team, {"members": [before, after]})
    return get_team(principal, team.pk)  # fresh: the prefetched members are stale
