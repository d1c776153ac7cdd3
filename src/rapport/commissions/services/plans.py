"""Writes about commission plans and their assignments to users (the *commission_plan* right:
admins and owners). Every change recalculates the open statements it may move."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.commissions.models import CommissionPlan, PlanAssignment
from rapport.commissions.services.plan_fields import check_span, clean_date, clean_plan
from rapport.commissions.services.recalculation import refresh_users
from rapport.core.audit import diff, record_change
from rapport.core.errors import Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Membership

OBJECT_TYPE = "commission_plan"
FIELDS = ("name", "description", "base_rate", "tier_mode", "tiers", "category_rates",
          "effective_from", "effective_to", "is_active")  # fmt: skip


def plan_snapshot(plan: CommissionPlan) -> dict[str, Any]:
    return {name: getattr(plan, name) for name in FIELDS}


def assignment_rows(plan: CommissionPlan) -> list[dict[str, Any]]:
    rows = plan.assignments.order_by("user_id", "effective_from", "pk") if plan.pk else []
    return [{"id": a.pk, "user_id": a.user_id, "effective_from": a.effective_from,
             "effective_to": a.effective_to} for a in rows]  # fmt: skip


def _lock_plan(principal: Principal, plan_id: int) -> CommissionPlan:
    rows = CommissionPlan.objects.select_for_update()
    plan = rows.filter(workspace_id=principal.workspace_id, pk=plan_id).first()
    if plan is None:
        raise NotFound("commission plan not found")
    return plan


def _check_name(principal: Principal, name: str, plan_id: int | None) -> None:
    taken = CommissionPlan.objects.filter(workspace_id=principal.workspace_id, name__iexact=name)
    if plan_id is not None:
        taken = taken.exclude(pk=plan_id)
    if taken.exists():
        raise Invalid.on("name", "Another plan has this name.")


def _since(plan: CommissionPlan, *days: dt.date | None) -> dt.date:
    """The earliest day the plan's change may have moved a commission."""
    starts = [plan.effective_from, *plan.assignments.values_list("effective_from", flat=True)]
    return min(d for d in (*starts, *days) if d is not None)


def _user_ids(plan: CommissionPlan) -> set[int]:
    return set(plan.assignments.values_list("user_id", flat=True))


@transaction.atomic
def create_plan(principal: Principal, data: dict[str, Any]) -> CommissionPlan:
    require(principal, "create", OBJECT_TYPE)
    cleaned = clean_plan(data, partial=False)
    check_span(cleaned["effective_from"], cleaned.get("effective_to"))
    _check_name(principal, cleaned["name"], None)
    plan = CommissionPlan.objects.create(workspace_id=principal.workspace_id, **cleaned)
    record_change(principal, "create", OBJECT_TYPE, plan, plan_snapshot(plan))
    return plan


@transaction.atomic
def update_plan(
    principal: Principal, plan_id: int, data: dict[str, Any], expected_version: int | None = None
) -> CommissionPlan:
    plan = _lock_plan(principal, plan_id)
    require(principal, "edit", OBJECT_TYPE, plan)
    check_version(plan, expected_version)
    cleaned = clean_plan(data, partial=True)
    before = plan_snapshot(plan)
    for name, value in cleaned.items():
        setattr(plan, name, value)
    check_span(plan.effective_from, plan.effective_to)
    _check_name(principal, plan.name, plan.pk)
    changes = diff(before, plan_snapshot(plan))
    if not changes:
        return plan
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save()
    record_change(principal, "update", OBJECT_TYPE, plan, changes)
    refresh_users(principal.workspace_id, _user_ids(plan), _since(plan, before["effective_from"]))
    return plan


@transaction.atomic
def delete_plan(principal: Principal, plan_id: int) -> None:
    """Delete a plan and its assignments; approved statements keep what they paid, open ones
    are recalculated without it."""
    plan = _lock_plan(principal, plan_id)
    require(principal, "delete", OBJECT_TYPE, plan)
    users, since = _user_ids(plan), _since(plan)
    snapshot = plan_snapshot(plan) | {"assignments": assignment_rows(plan)}
    record_change(principal, "delete", OBJECT_TYPE, plan, snapshot)
    plan.delete()
    refresh_users(principal.workspace_id, users, since)


# --- Assignments ----------------------------------------------------------------------------------


def _check_member(principal: Principal, user_id: Any) -> int:
    members = Membership.objects.filter(workspace_id=principal.workspace_id, user_id=user_id)
    if not isinstance(user_id, int) or not members.exists():
        raise Invalid.on("user_id", "Choose a member of this workspace.")
    return user_id


def _check_overlap(
    principal: Principal, user_id: int, first: dt.date, last: dt.date | None, own: int | None
) -> None:
    rows = PlanAssignment.objects.filter(workspace_id=principal.workspace_id, user_id=user_id)
    if own is not None:
        rows = rows.exclude(pk=own)
    rows = rows.exclude(effective_to__lt=first)
    if last is not None:
        rows = rows.exclude(effective_from__gt=last)
    clash = rows.select_related("plan").order_by("effective_from").first()
    if clash is not None:
        until = clash.effective_to.isoformat() if clash.effective_to else "open-ended"
        raise Invalid.on(
            "effective_from",
            f"This overlaps the assignment of {clash.plan.name} "
            f"({clash.effective_from.isoformat()} to {until}); a user has one plan at a time.",
        )


def _write_assignments(
    principal: Principal, plan: CommissionPlan, before: list[dict[str, Any]]
) -> None:
    plan.version += 1
    plan.updated_at = timezone.now()
    plan.save(update_fields=["version", "updated_at"])
    changes = diff({"assignments": before}, {"assignments": assignment_rows(plan)})
    record_change(principal, "update", OBJECT_TYPE, plan, changes)


def _span(data: dict[str, Any]) -> tuple[dt.date, dt.date | None]:
    first = clean_date(data.get("effective_from"), ("effective_from",), required=True)
    last = clean_date(data.get("effective_to"), ("effective_to",), required=False)
    assert first is not None
    check_span(first, last)
    return first, last


@transaction.atomic
def assign_plan(principal: Principal, plan_id: int, data: dict[str, Any]) -> PlanAssignment:
    """Give the plan to a user from `effective_from` to `effective_to` (inclusive; null: open)."""
    plan = _lock_plan(principal, plan_id)
    require(principal, "edit", OBJECT_TYPE, plan)
    user_id = _check_member(principal, data.get("user_id"))
    first, last = _span(data)
    _check_overlap(principal, user_id, first, last, None)
    before = assignment_rows(plan)
    assignment = PlanAssignment.objects.create(
        workspace_id=principal.workspace_id, plan=plan, user_id=user_id,
        effective_from=first, effective_to=last,
    )  # fmt: skip
    _write_assignments(principal, plan, before)
    refresh_users(principal.workspace_id, [user_id], first)
    return assignment


def _lock_assignment(principal: Principal, assignment_id: int) -> PlanAssignment:
    rows = PlanAssignment.objects.select_for_update().select_related("plan")
    found = rows.filter(workspace_id=principal.workspace_id, pk=assignment_id).first()
    if found is None:
        raise NotFound("plan assignment not found")
    return found


@transaction.atomic
def update_assignment(
    principal: Principal, assignment_id: int, data: dict[str, Any]
) -> PlanAssignment:
    """Change an assignment's days (its user and plan stay)."""
    assignment = _lock_assignment(principal, assignment_id)
    require(principal, "edit", OBJECT_TYPE, assignment.plan)
    merged = {"effective_from": assignment.effective_from,
              "effective_to": assignment.effective_to, **data}  # fmt: skip
    first, last = _span(merged)
    _check_overlap(principal, assignment.user_id, first, last, assignment.pk)
    before = assignment_rows(assignment.plan)
    since = min(first, assignment.effective_from)
    assignment.effective_from, assignment.effective_to = first, last
    assignment.save()
    _write_assignments(principal, assignment.plan, before)
    refresh_users(principal.workspace_id, [assignment.user_id], since)
    return assignment


@transaction.atomic
def remove_assignment(principal: Principal, assignment_id: int) -> None:
    assignment = _lock_assignment(principal, assignment_id)
    require(principal, "edit", OBJECT_TYPE, assignment.plan)
    before = assignment_rows(assignment.plan)
    user_id, since = assignment.user_id, assignment.effective_from
    assignment.delete()
    _write_assignments(principal, assignment.plan, before)
    refresh_users(principal.workspace_id, [user_id], since)
