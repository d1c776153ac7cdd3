"""Writes people make on statements: approve (one or a month's), reopen, recalculate.

Approving needs the *edit* right on commission_statement in the statement's scope (managers:
their team's reps); reopening an approved statement needs *delete* (admins and owners), since it
undoes a lock others rely on. A month can be approved once it has ended, so the current month
is always open and can take the corrections of locked months.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.commissions.events import APPROVED, REOPENED, emit_statement_event
from rapport.commissions.models import CommissionLine, CommissionStatement, PlanAssignment
from rapport.commissions.months import month_end, month_key
from rapport.commissions.services.recalculation import (
    current_month,
    recalculate,
    refresh_total,
    workspace_today,
)
from rapport.core.audit import record_change
from rapport.core.errors import Conflict, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, can, require, visible

OBJECT_TYPE = "commission_statement"


def _lock(principal: Principal, statement_id: int) -> CommissionStatement:
    """The statement, locked, if the principal may view it (NotFound otherwise)."""
    rows = visible(principal, CommissionStatement.objects.all(), OBJECT_TYPE)
    statement = rows.select_for_update().filter(pk=statement_id).first()
    if statement is None:
        raise NotFound("commission statement not found")
    return statement


def _figures(statement: CommissionStatement) -> dict[str, Any]:
    return {"status": statement.status, "commission": str(statement.commission),
            "month": month_key(statement.month), "user_id": statement.user_id}  # fmt: skip


def _approve(principal: Principal, statement: CommissionStatement, today: dt.date) -> None:
    if statement.status == "approved":
        raise Conflict("This statement is already approved.")
    if month_end(statement.month) >= today:
        raise Conflict(f"{month_key(statement.month)} can be approved once it has ended.")
    before = _figures(statement)
    statement.status = "approved"
    statement.approved_by_id = principal.user_id
    statement.approved_at = timezone.now()
    statement.version += 1
    statement.save()
    changes = {k: [before[k], v] for k, v in _figures(statement).items() if before[k] != v}
    record_change(principal, "approve", OBJECT_TYPE, statement, changes)
    emit_statement_event(principal, APPROVED, statement)


def _today(principal: Principal) -> dt.date:
    return workspace_today(principal.workspace_id)


@transaction.atomic
def approve_statement(
    principal: Principal, statement_id: int, expected_version: int | None = None
) -> CommissionStatement:
    """Lock a rep's month as it stands (`expected_version`: as the approver saw it)."""
    statement = _lock(principal, statement_id)
    require(principal, "edit", OBJECT_TYPE, statement)
    check_version(statement, expected_version)
    _approve(principal, statement, _today(principal))
    return statement


@transaction.atomic
def approve_month(principal: Principal, month: dt.date) -> int:
    """Approve every open statement of the month the principal may approve; returns how many."""
    require(principal, "edit", OBJECT_TYPE)
    today = _today(principal)
    if month_end(month) >= today:
        raise Conflict(f"{month_key(month)} can be approved once it has ended.")
    rows = visible(principal, CommissionStatement.objects.all(), OBJECT_TYPE, "edit")
    statements = list(rows.select_for_update().filter(month=month, status="open").order_by("pk"))
    for statement in statements:
        _approve(principal, statement, today)
    return len(statements)


@transaction.atomic
def reopen_statement(principal: Principal, statement_id: int) -> CommissionStatement:
    """Unlock an approved statement and recalculate it from its deals (audited). Corrections of
    it waiting in open months are dropped: the month itself now reflects its deals."""
    statement = _lock(principal, statement_id)
    require(principal, "delete", OBJECT_TYPE, statement)
    if statement.status != "approved":
        raise Conflict("Only an approved statement can be reopened.")
    corrections = CommissionLine.objects.filter(source_statement=statement)
    locked = corrections.filter(statement__status="approved").select_related("statement").first()
    if locked is not None:
        raise Conflict(
            f"The approved statement of {month_key(locked.statement.month)} corrects this one; "
            "reopen that one first."
        )
    touched = set(corrections.values_list("statement_id", flat=True))
    corrections.delete()
    for other in CommissionStatement.objects.filter(pk__in=touched):
        refresh_total(other)
    before = _figures(statement)
    statement.status, statement.approved_by_id, statement.approved_at = "open", None, None
    statement.save()
    recalculate(statement.workspace_id, statement.user_id, statement.month)
    statement.refresh_from_db()
    changes = {k: [before[k], v] for k, v in _figures(statement).items() if before[k] != v}
    record_change(principal, "reopen", OBJECT_TYPE, statement, changes)
    emit_statement_event(principal, REOPENED, statement)
    return statement


@transaction.atomic
def recalculate_statement(principal: Principal, statement_id: int) -> CommissionStatement:
    """A manager's "Recalculate" of one open statement (audited when the total moved)."""
    statement = _lock(principal, statement_id)
    require(principal, "edit", OBJECT_TYPE, statement)
    if statement.status == "approved":
        raise Conflict("An approved statement is locked; reopen it to recalculate.")
    before = _figures(statement)
    recalculate(statement.workspace_id, statement.user_id, statement.month)
    statement.refresh_from_db()
    changes = {k: [before[k], v] for k, v in _figures(statement).items() if before[k] != v}
    if changes:
        record_change(principal, "recalculate", OBJECT_TYPE, statement, changes)
    return statement


def assigned_users(workspace_id: int, month: dt.date) -> set[int]:
    """Users with an active plan assigned on some day of the month."""
    last = month_end(month)
    rows = PlanAssignment.objects.filter(
        workspace_id=workspace_id, effective_from__lte=last, plan__is_active=True,
        plan__effective_from__lte=last,
    ).exclude(effective_to__lt=month).exclude(plan__effective_to__lt=month)  # fmt: skip
    return set(rows.values_list("user_id", flat=True))


@transaction.atomic
def recalculate_month(principal: Principal, month: dt.date) -> int:
    """Recalculate (or start) the open statements of the month for every rep with a plan or a
    statement in it whom the principal may edit; returns how many were looked at."""
    require(principal, "edit", OBJECT_TYPE)
    if month > current_month(principal.workspace_id):
        raise Conflict("A month that has not begun has nothing to calculate.")
    existing = CommissionStatement.objects.filter(workspace_id=principal.workspace_id, month=month)
    user_ids = assigned_users(principal.workspace_id, month) | set(
        existing.values_list("user_id", flat=True)
    )
    count = 0
    for user_id in sorted(user_ids):
        probe = CommissionStatement(workspace_id=principal.workspace_id, user_id=user_id)
        if can(principal, "edit", OBJECT_TYPE, probe):
            recalculate(principal.workspace_id, user_id, month, create=True)
            count += 1
    return count
