"""Request and response shapes of /api/v1/commissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.commissions.models import (
    CommissionLine,
    CommissionPlan,
    CommissionStatement,
    PlanAssignment,
)
from rapport.commissions.months import month_key
from rapport.core.api_support import RecordId

RATE = Decimal("0.0001")


class CommissionTierIn(Schema):
    model_config = ConfigDict(extra="forbid")

    from_: Decimal = Field(alias="from", description="Attainment in percent of quota, from 0.")
    rate: Decimal = Field(description="Rate in percent from that attainment on.")


class CommissionCategoryRateIn(Schema):
    model_config = ConfigDict(extra="forbid")

    category: str = Field(description="A product category.")
    rate: Decimal = Field(description="Rate in percent for line items of that category.")


class CommissionPlanUpdate(Schema):
    """Every field optional; tiers and category rates replace the lists."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    base_rate: Decimal | None = Field(None, description="Percent, used without tiers or quota.")
    tier_mode: Literal["retroactive", "marginal"] | None = None
    tiers: list[CommissionTierIn] | None = None
    category_rates: list[CommissionCategoryRateIn] | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = Field(None, description="The last day; null: open-ended.")
    is_active: bool | None = None


class CommissionPlanCreate(CommissionPlanUpdate):
    name: str
    base_rate: Decimal
    effective_from: dt.date


class CommissionPlanRead(Schema):
    id: int
    name: str
    description: str
    base_rate: str
    tier_mode: str
    tiers: list[dict[str, str]]
    category_rates: list[dict[str, str]]
    effective_from: dt.date
    effective_to: dt.date | None
    is_active: bool
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CommissionAssignmentUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


class CommissionAssignmentCreate(CommissionAssignmentUpdate):
    user_id: RecordId
    effective_from: dt.date


class CommissionAssignmentRead(Schema):
    id: int
    plan_id: int
    user_id: int
    user_name: str
    effective_from: dt.date
    effective_to: dt.date | None


class CommissionLineRead(Schema):
    id: int
    kind: str = Field(description="credit, adjustment or reversal.")
    deal_id: int
    deal_name: str
    closed_on: dt.date | None
    plan: str
    category: str
    deal_amount: str | None = Field(description="In `deal_currency`.")
    deal_currency: str
    amount: str = Field(description="In the statement's currency.")
    rate: str = Field(description="Percent.")
    commission: str
    corrects_statement_id: int | None
    corrects_month: str | None


class CommissionStatementRead(Schema):
    id: int
    user_id: int
    user_name: str
    month: str
    status: str
    currency: str
    won_amount: str
    quota: str | None
    attainment: str | None = Field(description="Percent of quota; null without a quota.")
    tier_rate: str | None
    commission: str
    missing_currencies: list[str]
    approved_by_id: int | None
    approved_at: dt.datetime | None
    calculated_at: dt.datetime
    version: int
    lines: list[CommissionLineRead] | None = Field(None, description="On the detail only.")


class CommissionMonthIn(Schema):
    model_config = ConfigDict(extra="forbid")

    month: str = Field(description="e.g. 2026-10")


class CommissionMonthResult(Schema):
    month: str
    count: int


def plan_body(plan: CommissionPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "name": plan.name,
        "description": plan.description,
        "base_rate": str(Decimal(plan.base_rate).quantize(RATE)),
        "tier_mode": plan.tier_mode,
        "tiers": plan.tiers,
        "category_rates": plan.category_rates,
        "effective_from": plan.effective_from,
        "effective_to": plan.effective_to,
        "is_active": plan.is_active,
        "version": plan.version,
        "created_at": plan.created_at,
        "updated_at": plan.updated_at,
    }


def plan_input(payload: CommissionPlanUpdate) -> dict[str, Any]:
    """The payload as the service reads it (decimals as strings, tiers with "from")."""
    data = payload.model_dump(exclude_unset=True, by_alias=True)
    for name in ("base_rate",):
        if data.get(name) is not None:
            data[name] = str(data[name])
    for key in ("tiers", "category_rates"):
        if data.get(key) is not None:
            data[key] = [{k: str(v) for k, v in item.items()} for item in data[key]]
    return data


def assignment_body(assignment: PlanAssignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "plan_id": assignment.plan_id,
        "user_id": assignment.user_id,
        "user_name": str(assignment.user),
        "effective_from": assignment.effective_from,
        "effective_to": assignment.effective_to,
    }


def line_body(line: CommissionLine) -> dict[str, Any]:
    source = line.source_statement
    return {
        "id": line.pk,
        "kind": line.kind,
        "deal_id": line.deal_id,
        "deal_name": line.deal_name,
        "closed_on": line.closed_on,
        "plan": line.plan_name,
        "category": line.category,
        "deal_amount": None if line.source_amount is None else str(line.source_amount),
        "deal_currency": line.source_currency,
        "amount": str(line.amount),
        "rate": str(line.rate),
        "commission": str(line.commission),
        "corrects_statement_id": line.source_statement_id,
        "corrects_month": month_key(source.month) if source else None,
    }


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def statement_body(
    statement: CommissionStatement, lines: list[CommissionLine] | None = None
) -> dict[str, Any]:
    body = {
        "id": statement.pk,
        "user_id": statement.user_id,
        "user_name": str(statement.user),
        "month": month_key(statement.month),
        "status": statement.status,
        "currency": statement.currency,
        "won_amount": str(statement.won_amount),
        "quota": _text(statement.quota),
        "attainment": _text(statement.attainment),
        "tier_rate": _text(statement.tier_rate),
        "commission": str(statement.commission),
        "missing_currencies": statement.missing_currencies,
        "approved_by_id": statement.approved_by_id,
        "approved_at": statement.approved_at,
        "calculated_at": statement.calculated_at,
        "version": statement.version,
    }
    if lines is not None:
        body["lines"] = [line_body(line) for line in lines]
    return body
