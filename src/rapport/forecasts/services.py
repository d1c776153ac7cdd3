"""Writes about forecasts: quotas, a manager's override of a rep's commit, daily snapshots."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import record_change
from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal, require, system_principal
from rapport.deals.models import Deal
from rapport.forecasts.models import ForecastOverride, ForecastSnapshot, Quota
from rapport.forecasts.periods import Period, period_of
from rapport.forecasts.queries import snapshot_rows
from rapport.workspaces.models import Membership, Workspace

MAX_AMOUNT = decimal.Decimal("1e13")  # SQLite keeps 15 significant digits: every cent survives


def _amount(raw: Any, loc: tuple[str | int, ...]) -> decimal.Decimal:
    try:
        amount = decimal.Decimal(str(raw).strip())
    except (decimal.InvalidOperation, ValueError) as exc:
        raise Invalid.on(loc, "Enter an amount such as 25000 or 25000.50.") from exc
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise Invalid.on(loc, "Enter an amount from 0 to below 10^13.")
    if amount != amount.quantize(decimal.Decimal("0.01")):
        raise Invalid.on(loc, "Use at most two decimal places.")
    return amount


def _member_ids(workspace_id: int) -> set[int]:
    return set(
        Membership.objects.filter(workspace_id=workspace_id).values_list("user_id", flat=True)
    )


@transaction.atomic
def set_quotas(principal: Principal, quotas: list[dict[str, Any]]) -> int:
    """Set monthly quotas: each `{"user_id", "month": "2026-11", "amount"}`; a null amount
    removes one. All or nothing; returns how many changed."""
    require(principal, "edit", "quota")
    members = _member_ids(principal.workspace_id)
    problems: list[FieldError] = []
    cleaned: list[tuple[int, dt.date, decimal.Decimal | None]] = []
    for i, item in enumerate(quotas):
        try:
            user_id = item.get("user_id")
            if user_id not in members:
                raise Invalid.on(("quotas", i, "user_id"), "Not a member of this workspace.")
            try:
                month = dt.date.fromisoformat(f"{item.get('month')}-01")
            except (TypeError, ValueError) as exc:
                raise Invalid.on(("quotas", i, "month"), "Name a month as 2026-11.") from exc
            raw = item.get("amount")
            amount = None if raw in (None, "") else _amount(raw, ("quotas", i, "amount"))
            cleaned.append((user_id, month, amount))
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid("Some quotas are not valid.", problems)
    changed = 0
    for user_id, month, amount in cleaned:
        changed += _set_quota(principal, user_id, month, amount)
    return changed


def _set_quota(
    principal: Principal, user_id: int, month: dt.date, amount: decimal.Decimal | None
) -> int:
    row = Quota.objects.filter(workspace_id=principal.workspace_id, user_id=user_id, month=month)
    current = row.first()
    before = current.amount if current else None
    if before == amount:
        return 0
    if amount is None:
        assert current is not None
        record_change(principal, "delete", "quota", current, {"amount": [str(before), None]})
        current.delete()
        return 1
    quota, _ = Quota.objects.update_or_create(
        workspace_id=principal.workspace_id,
        user_id=user_id,
        month=month,
        defaults={"amount": amount, "updated_at": timezone.now()},
    )
    changes = {"user_id": [None, user_id], "month": [None, month.isoformat()],
               "amount": [None if before is None else str(before), str(amount)]}  # fmt: skip
    record_change(principal, "update" if current else "create", "quota", quota, changes)
    return 1


@transaction.atomic
def override_commit(
    principal: Principal,
    user_id: int,
    period: Period,
    amount: Any,
    note: str,
) -> ForecastOverride | None:
    """Set (or, with a null amount, remove) a manager's figure for a rep's commit."""
    require(principal, "edit", "forecast")
    if user_id not in _member_ids(principal.workspace_id):
        raise Invalid.on("user_id", "Not a member of this workspace.")
    current = ForecastOverride.objects.filter(
        workspace_id=principal.workspace_id,
        user_id=user_id,
        period_kind=period.kind,
        period_start=period.start,
    ).first()
    if amount in (None, ""):
        if current is not None:
            changes = {"amount": [str(current.amount), None], "note": [current.note, ""]}
            record_change(principal, "delete", "forecast", current, changes)
            current.delete()
        return None
    value = _amount(amount, ("amount",))
    note = (note or "").strip()
    if not 0 < len(note) <= 500:
        raise Invalid.on("note", "Say why, in up to 500 characters: the roll-up shows it.")
    before = {"amount": str(current.amount), "note": current.note} if current else {}
    override, _ = ForecastOverride.objects.update_or_create(
        workspace_id=principal.workspace_id,
        user_id=user_id,
        period_kind=period.kind,
        period_start=period.start,
        defaults={"amount": value, "note": note, "set_by_id": principal.user_id,
                  "updated_at": timezone.now()},
    )  # fmt: skip
    after = {"amount": str(value), "note": note}
    changes = {k: [before.get(k), v] for k, v in after.items() if before.get(k) != v}
    changes |= {"user_id": [None, user_id], "period": [None, period.key]}
    record_change(principal, "update" if current else "create", "forecast", override, changes)
    return override


def snapshot_periods(today: dt.date) -> list[Period]:
    """The periods snapshotted each day: this and next month, this and next quarter."""
    month, quarter = period_of("month", today), period_of("quarter", today)
    return [month, month.shifted(1), quarter, quarter.shifted(1)]


def take_forecast_snapshots(now: dt.datetime) -> int:
    """The scheduler's daily job: today's figures of every rep, for every workspace with deals
    (today's row replaced if the job runs again). Returns the rows written."""
    written = 0
    workspace_ids = Deal.objects.order_by().values_list("workspace_id", flat=True).distinct()
    for workspace in Workspace.objects.filter(pk__in=workspace_ids):
        today = timezone.localdate(now, timezone=_zone(workspace))
        principal = system_principal(workspace.pk)
        for period in snapshot_periods(today):
            rows = snapshot_rows(principal, period, today)
            with transaction.atomic():
                ForecastSnapshot.objects.filter(
                    workspace_id=workspace.pk, period_kind=period.kind,
                    period_start=period.start, taken_on=today,
                ).delete()  # fmt: skip
                ForecastSnapshot.objects.bulk_create(rows)
            written += len(rows)
    return written


def _zone(workspace: Workspace) -> Any:
    import zoneinfo

    return zoneinfo.ZoneInfo(workspace.time_zone)
