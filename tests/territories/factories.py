"""Factories for territory tests: teams with members, territories."""

from __future__ import annotations

import itertools
from typing import Any

from rapport.core.permissions import Principal
from rapport.territories.models import Territory
from rapport.territories.services import create_territory
from rapport.workspaces.models import Team, User
from rapport.workspaces.services import create_team, set_team_members

_seq = itertools.count(1)


def make_team(principal: Principal, *members: User, name: str = "") -> Team:
    team = create_team(principal, name or f"Team {next(_seq)}")
    if members:
        set_team_members(principal, team.pk, [m.pk for m in members])
    return team


def make_territory(principal: Principal, team: Team, **overrides: Any) -> Territory:
    data: dict[str, Any] = {"name": f"Territory {next(_seq)}", "team_id": team.pk}
    return create_territory(principal, data | overrides)
