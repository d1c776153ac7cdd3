"""The demo's quotas: a monthly target per deal owner, near what they actually win, from a year
ago to the end of next quarter, so the forecast, the sales dashboard and the commission tiers
show attainment from the first `make run`."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db.models import Sum
from django.utils import timezone

from rapport.core.permissions import system_principal
from rapport.deals.models import Deal
from rapport.forecasts.services import set_quotas
from rapport.workspaces.models import User, Workspace

STEP = 5000  # quotas are round numbers
FLOOR = 10_000


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def seed_quotas(workspace: Workspace, owners: list[User]) -> None:
    """Each owner's quota: their average monthly won amount over the last year, rounded up to
    5,000 (at least 10,000), so a good month beats it and a slow one falls short."""
    today = timezone.now().date()
    first = (today - dt.timedelta(days=365)).replace(day=1)
    won = dict(
        Deal.objects.filter(
            workspace=workspace, stage__kind="won", closed_on__gte=first, owner__in=owners
        )
        .values_list("owner_id")
        .annotate(total=Sum("amount"))
    )
    months = _months(first, today + dt.timedelta(days=120))
    quotas = []
    for owner in owners:
        monthly = (won.get(owner.pk) or Decimal(0)) / 12
        amount = max(FLOOR, math.ceil(monthly / STEP) * STEP)
        quotas += [
            {"user_id": owner.pk, "month": m.strftime("%Y-%m"), "amount": str(amount)}
            for m in months
        ]
    set_quotas(system_principal(workspace.pk), quotas)
