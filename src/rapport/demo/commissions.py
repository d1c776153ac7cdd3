"""The demo's commission plan: tiers by quota attainment and a higher rate on services, given
to the demo's deal owners for the last twelve months, with their statements calculated."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from rapport.commissions.services import assign_plan, create_plan
from rapport.core.permissions import system_principal
from rapport.workspaces.models import User, Workspace

PLAN = {
    "name": "Sales commission",
    "description": "5 % up to quota, 8 % from quota, 10 % from 150 %; services pay 12 %.",
    "base_rate": "5",
    "tiers": [{"from": "0", "rate": "5"}, {"from": "100", "rate": "8"},
              {"from": "150", "rate": "10"}],
    "category_rates": [{"category": "Services", "rate": "12"}],
}  # fmt: skip


def seed_commissions(workspace: Workspace, owners: list[User]) -> None:
    """The plan, assigned to each owner from a year ago (which calculates their statements)."""
    system = system_principal(workspace.pk)
    start = (timezone.now().date() - dt.timedelta(days=365)).replace(day=1)
    plan = create_plan(system, {**PLAN, "effective_from": start.isoformat()})
    for owner in owners:
        assign_plan(system, plan.pk, {"user_id": owner.pk, "effective_from": start.isoformat()})
