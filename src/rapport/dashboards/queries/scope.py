"""The deals a dashboard reads: those the principal may view, narrowed by its filters."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import QuerySet

from rapport.core.permissions import Principal
from rapport.dashboards.sales_filters import SalesFilters
from rapport.deals.models import Deal
from rapport.deals.queries import visible_deals
from rapport.workspaces.queries import member_labels

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal("0.00")


def filtered_deals(principal: Principal, filters: SalesFilters) -> QuerySet[Deal]:
    """Visible deals (tenancy, soft delete, the role's scope) of the pipeline and owners asked
    for, unordered, ready for a GROUP BY."""
    deals = visible_deals(principal)
    if filters.pipeline_id is not None:
        deals = deals.filter(pipeline_id=filters.pipeline_id)
    if filters.owner_ids is not None:
        deals = deals.filter(owner_id__in=sorted(filters.owner_ids))
    return deals.order_by()


def owner_labels(principal: Principal) -> dict[int, str]:
    """{user id: name} of the workspace's members (one query)."""
    return member_labels(principal)


def label_of(labels: dict[int, str], user_id: int | None) -> str:
    if not user_id:
        return "No owner"
    return labels.get(user_id, f"Member {user_id}")


def percent(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    """`part` as a percentage of `whole`, to a tenth; None when `whole` is nothing."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, ROUND_HALF_UP)


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)
