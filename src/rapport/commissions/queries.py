"""Reads about commissions: plans and their assignments, statements and their lines.

Statements are read through `visible` with the *commission_statement* grant, whose owner is the
statement's rep: a rep with scope "own" sees their own, a manager with "team" their team's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from rapport.commissions.models import (
    CommissionLine,
    CommissionPlan,
    CommissionStatement,
    PlanAssignment,
)
from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid, NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_chunks, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible

PLAN = "commission_plan"
STATEMENT = "commission_statement"
PLAN_FILTERS = {
    "name": FilterField("name"),
    "is_active": FilterField("is_active", "boolean"),
    "effective_from": FilterField("effective_from", "date"),
}
PLAN_SORTS = {"name", "effective_from", "created_at", "id"}
STATEMENT_SORTS = {"month", "user_id", "commission", "id"}
STATEMENT_STATUSES = ("open", "approved")


def list_plans(principal: Principal, params: ListParams) -> Page[CommissionPlan]:
    qs = visible(principal, CommissionPlan.objects.all(), PLAN)
    qs = qs.filter(filters_q(PLAN_FILTERS, params.filter))
    keys = parse_sort(params.sort, PLAN_SORTS, "name,id")
    return keyset_page(qs, keys, params.limit, params.cursor)


def all_plans(principal: Principal) -> list[CommissionPlan]:
    """Every plan (a workspace has a handful), by name, for the settings page."""
    return list(visible(principal, CommissionPlan.objects.all(), PLAN).order_by("name", "pk")[:500])


def get_plan(principal: Principal, plan_id: int) -> CommissionPlan:
    plan = visible(principal, CommissionPlan.objects.all(), PLAN).filter(pk=plan_id).first()
    if plan is None:
        raise NotFound("commission plan not found")
    return plan


def plan_assignments(principal: Principal, plan_id: int) -> list[PlanAssignment]:
    plan = get_plan(principal, plan_id)
    rows = plan.assignments.select_related("user").order_by("effective_from", "user_id", "pk")
    return list(rows)


def get_assignment(principal: Principal, assignment_id: int) -> PlanAssignment:
    rows = visible(principal, PlanAssignment.objects.select_related("user"), PLAN)
    found = rows.filter(pk=assignment_id).first()
    if found is None:
        raise NotFound("plan assignment not found")
    return found


def _statements(principal: Principal, action: str = "view") -> QuerySet[CommissionStatement]:
    rows = CommissionStatement.objects.select_related("user", "approved_by")
    if action != "view":  # an export covers the export scope within the view scope
        rows = rows.filter(pk__in=visible(principal, CommissionStatement.objects.all(), STATEMENT))
    return visible(principal, rows, STATEMENT, action)


def list_statements(
    principal: Principal,
    month: dt.date | None,
    user_id: int | None,
    status: str | None,
    params: ListParams,
) -> Page[CommissionStatement]:
    qs = _statements(principal)
    if month is not None:
        qs = qs.filter(month=month)
    if user_id is not None:
        qs = qs.filter(user_id=user_id)
    if status is not None:
        if status not in STATEMENT_STATUSES:
            raise Invalid.on("status", "Choose open or approved.")
        qs = qs.filter(status=status)
    keys = parse_sort(params.sort, STATEMENT_SORTS, "-month,user_id,id")
    return keyset_page(qs, keys, params.limit, params.cursor)


def month_statements(principal: Principal, month: dt.date) -> list[CommissionStatement]:
    """The month's statements the principal may view, by rep name (for the page)."""
    rows = _statements(principal).filter(month=month)
    return sorted(rows[:1000], key=lambda s: (str(s.user).casefold(), s.pk))


def get_statement(principal: Principal, statement_id: int) -> CommissionStatement:
    statement = _statements(principal).filter(pk=statement_id).first()
    if statement is None:
        raise NotFound("commission statement not found")
    return statement


def statement_lines(statement: CommissionStatement) -> list[CommissionLine]:
    """Credits first (by close date), then corrections, each with the month it corrects."""
    rows = statement.lines.select_related("source_statement").order_by("position", "pk")
    return sorted(
        rows, key=lambda x: (x.kind != "credit", x.position, x.closed_on or dt.date.min, x.pk)
    )


def lines_of(statements: list[CommissionStatement]) -> dict[int, list[CommissionLine]]:
    """{statement id: its lines}, in one query."""
    found: dict[int, list[CommissionLine]] = {s.pk: [] for s in statements}
    rows = CommissionLine.objects.filter(statement_id__in=list(found)).select_related(
        "source_statement"
    )
    for line in rows.order_by("statement_id", "position", "pk"):
        found[line.statement_id].append(line)
    return found


@dataclass(frozen=True)
class MonthTotals:
    won_amount: Decimal
    commission: Decimal
    open: int
    approved: int


def month_totals(statements: list[CommissionStatement]) -> MonthTotals:
    return MonthTotals(
        sum((s.won_amount for s in statements), Decimal("0.00")),
        sum((s.commission for s in statements), Decimal("0.00")),
        sum(1 for s in statements if s.status == "open"),
        sum(1 for s in statements if s.status == "approved"),
    )


def export_chunks(principal: Principal, month: dt.date) -> Iterator[list[CommissionStatement]]:
    """The month's statements the principal may export, 1,000 per query."""
    qs = _statements(principal, "export").filter(month=month)
    return keyset_chunks(qs, parse_sort("user_id,id", {"user_id", "id"}, "user_id,id"))
