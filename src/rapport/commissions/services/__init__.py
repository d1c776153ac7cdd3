"""Every write about commissions; re-exported so callers import from
`rapport.commissions.services`."""

from rapport.commissions.services.export import COLUMNS as EXPORT_COLUMNS
from rapport.commissions.services.export import export_statements
from rapport.commissions.services.plans import (
    assign_plan,
    assignment_rows,
    create_plan,
    delete_plan,
    remove_assignment,
    update_assignment,
    update_plan,
)
from rapport.commissions.services.recalculation import (
    current_month,
    recalculate,
    recalculate_for_deal,
)
from rapport.commissions.services.statements import (
    approve_month,
    approve_statement,
    recalculate_month,
    recalculate_statement,
    reopen_statement,
)

__all__ = [
    "EXPORT_COLUMNS",
    "approve_month",
    "approve_statement",
    "assign_plan",
    "assignment_rows",
    "create_plan",
    "current_month",
    "delete_plan",
    "export_statements",
    "recalculate",
    "recalculate_for_deal",
    "recalculate_month",
    "recalculate_statement",
    "remove_assignment",
    "reopen_statement",
    "update_assignment",
    "update_plan",
]
