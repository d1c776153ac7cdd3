"""Helpers for commission tests: plans, won deals in a given month, the dispatcher's run."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rapport.commissions.models import CommissionStatement
from rapport.commissions.months import shift_month
from rapport.core.dispatch import dispatch_events
from rapport.core.permissions import Principal
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, ensure_default_pipeline

D = Decimal


def this_month() -> dt.date:
    return timezone.localdate().replace(day=1)


def month_ago(n: int) -> dt.date:
    return shift_month(this_month(), -n)


def stage(owner: Principal, name: str) -> Any:
    return ensure_default_pipeline(owner.workspace_id).stages.get(name=name)


def won_deal(owner: Principal, amount: str, closed_on: dt.date, rep_id: int, **extra: Any) -> Deal:
    """A deal created straight into the Won stage, closed on `closed_on`."""
    data = {
        "name": extra.pop("name", f"Deal {amount}"), "amount": amount,
        "stage_id": stage(owner, "Won").pk, "closed_on": closed_on.isoformat(),
        "owner_id": rep_id, **extra,
    }  # fmt: skip
    return create_deal(owner, data)


def plan_data(**overrides: Any) -> dict[str, Any]:
    return {"name": "Standard", "base_rate": "5", "effective_from": "2020-01-01", **overrides}


def deliver() -> None:
    """Run the dispatcher until the outbox is empty, as the worker would."""
    while dispatch_events("tests"):
        pass


def statement_of(user_id: int, month: dt.date) -> CommissionStatement:
    return CommissionStatement.objects.get(user_id=user_id, month=month)


def lines(statement: CommissionStatement) -> list[tuple[Any, ...]]:
    rows = statement.lines.order_by("position", "pk")
    return [(x.kind, x.deal_name, x.category, x.amount, x.rate, x.commission) for x in rows]
