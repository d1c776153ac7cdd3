"""The CSV export of a month's statements: one row per line (credit, adjustment, reversal)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from rapport.commissions.months import month_key
from rapport.commissions.queries import STATEMENT, export_chunks, lines_of
from rapport.core.audit import record_event
from rapport.core.permissions import Principal, require

COLUMNS = [
    "month", "user_id", "user_name", "user_email", "statement_status", "line_kind", "deal_id",
    "deal_name", "closed_on", "plan", "category", "deal_amount", "deal_currency", "amount",
    "rate_percent", "commission", "currency", "corrects_month",
]  # fmt: skip


def _rows(principal: Principal, month: dt.date) -> Iterator[dict[str, Any]]:
    for chunk in export_chunks(principal, month):
        lines = lines_of(chunk)
        for statement in chunk:
            user = statement.user
            for line in lines[statement.pk]:
                source = line.source_statement
                yield {
                    "month": month_key(statement.month), "user_id": statement.user_id,
                    "user_name": str(user), "user_email": user.email,
                    "statement_status": statement.status, "line_kind": line.kind,
                    "deal_id": line.deal_id, "deal_name": line.deal_name,
                    "closed_on": line.closed_on, "plan": line.plan_name,
                    "category": line.category, "deal_amount": line.source_amount,
                    "deal_currency": line.source_currency, "amount": line.amount,
                    "rate_percent": line.rate, "commission": line.commission,
                    "currency": statement.currency,
                    "corrects_month": month_key(source.month) if source else "",
                }  # fmt: skip


def export_statements(principal: Principal, month: dt.date) -> Iterator[dict[str, Any]]:
    """The month's lines the principal may export (the *export* right's scope), as CSV rows;
    logged as one audit entry before the first row is read."""
    require(principal, "export", STATEMENT)
    record_event(principal, "export", STATEMENT, {"month": month_key(month)})
    return _rows(principal, month)
