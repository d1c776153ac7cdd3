"""The domain events of commission statements: approved and reopened (plans have lifecycle
events, registered in apps.py)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rapport.commissions.models import CommissionStatement
from rapport.core.events import EventType, emit, register_event_type
from rapport.core.permissions import Principal

APPROVED = "commission_statement.approved"
REOPENED = "commission_statement.reopened"


class StatementFacts(BaseModel):
    """What a statement event says about the statement."""

    user_id: int = Field(description="The rep the statement pays.")
    month: str = Field(description="Its month, e.g. 2026-11.")
    commission: str = Field(description="Its total commission, in `currency`.")
    currency: str = Field(description="Three-letter currency code (the base currency).")


def register_statement_events() -> None:
    for name, description in (
        (APPROVED, "A commission statement was approved: its month is locked for the rep."),
        (REOPENED, "An approved commission statement was reopened and recalculated."),
    ):
        register_event_type(EventType(name, "commission_statement", description, StatementFacts))


def emit_statement_event(principal: Principal, name: str, statement: CommissionStatement) -> None:
    payload = {
        "user_id": statement.user_id,
        "month": statement.month.strftime("%Y-%m"),
        "commission": str(statement.commission),
        "currency": statement.currency,
    }
    emit(principal, name, "commission_statement", statement.pk, payload)
