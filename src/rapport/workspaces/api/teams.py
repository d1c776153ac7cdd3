"""/api/v1/teams: teams and their members."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from rapport.core.api_support import RecordId
from rapport.workspaces import queries, services
from rapport.workspaces.models import Team
from rapport.workspaces.schemas import TeamCreate, TeamMembers, TeamRead, TeamUpdate

router = Router(tags=["teams"])


def team_body(team: Team) -> TeamRead:
    member_ids = sorted(user.pk for user in team.members.all())
    return TeamRead(id=team.pk, name=team.name, member_ids=member_ids, created_at=team.created_at)


@router.get("", response=list[TeamRead])
def list_teams(request: HttpRequest) -> list[TeamRead]:
    return [team_body(team) for team in queries.list_teams(request.auth)]  # type: ignore[attr-defined]


@router.get("/{team_id}", response=TeamRead)
def get_team(request: HttpRequest, team_id: RecordId) -> TeamRead:
    return team_body(queries.get_team(request.auth, team_id))  # type: ignore[attr-defined]


@router.post("", response={201: TeamRead})
def create_team(request: HttpRequest, payload: TeamCreate) -> Status[TeamRead]:
    team = services.create_team(request.auth, payload.name)  # type: ignore[attr-defined]
    return Status(201, team_body(team))


@router.patch("/{team_id}", response=TeamRead)
def rename_team(request: HttpRequest, team_id: RecordId, payload: TeamUpdate) -> TeamRead:
    services.rename_team(request.auth, team_id, payload.name)  # type: ignore[attr-defined]
    return team_body(queries.get_team(request.auth, team_id))  # type: ignore[attr-defined]


@router.put("/{team_id}/members", response=TeamRead)
def set_team_members(request: HttpRequest, team_id: RecordId, payload: TeamMembers) -> TeamRead:
    return team_body(services.set_team_members(request.auth, team_id, payload.user_ids))  # type: ignore[attr-defined]


@router.delete("/{team_id}", response={204: None})
def delete_team(request: HttpRequest, team_id: RecordId) -> Status[None]:
    services.delete_team(request.auth, team_id)  # type: ignore[attr-defined]
    return Status(204, None)
