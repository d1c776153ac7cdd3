"""Keeping statements true: recalculating open months and settling changes to locked ones.

Statements are derived data (like the search index): these functions run as the workspace (the
dispatcher's consumer, a plan change, a manager's button), write no audit entry themselves and
are idempotent — recalculating twice gives the same lines.

- An **open** statement is re-derived whole from the rep's won deals of its month, so a change
  in attainment re-rates every deal of the month. Its corrections (below) are kept.
- An **approved** statement never changes. When one of its deals changes, the difference
  between what the locked month paid for the deal (its credits and earlier corrections) and
  what it should pay now is written as one correction line in the rep's current month: a
  *reversal* when the deal no longer counts (reopened, lost, deleted, moved to another owner
  or month), an *adjustment* when its amount changed. The locked month's rates apply: the
  rate each category of the deal was paid at, else the plan's category rate or the tier the
  locked month reached. A correction not yet approved is replaced, never stacked, on the next
  change.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from rapport.commissions.calculation import ZERO, MonthResult, calculate_month, cents, commission_of
from rapport.commissions.deal_credits import (
    assigned_plans,
    credit_of,
    deal_for_settlement,
    month_deals,
    plan_on,
)
from rapport.commissions.models import CommissionLine, CommissionStatement
from rapport.commissions.months import month_end, month_of
from rapport.currencies.queries import RateTable
from rapport.deals.models import Deal
from rapport.workspaces.models import Workspace

RATE_PLACES = Decimal("0.0001")
Key = tuple[int, dt.date]  # (user id, month)


def workspace_today(workspace_id: int) -> dt.date:
    """The day it is in the workspace's time zone."""
    zone = Workspace.objects.values_list("time_zone", flat=True).get(pk=workspace_id)
    return timezone.now().astimezone(zoneinfo.ZoneInfo(zone)).date()


def current_month(workspace_id: int) -> dt.date:
    """The month it is in the workspace's time zone."""
    return month_of(workspace_today(workspace_id))


def _line_key(line: CommissionLine) -> tuple[object, ...]:
    return (
        line.deal_id, line.deal_name, line.closed_on, line.plan_name, line.category,
        line.source_amount, line.source_currency, line.amount, line.rate, line.commission,
    )  # fmt: skip


def _new_lines(statement: CommissionStatement, result: MonthResult) -> list[CommissionLine]:
    return [
        CommissionLine(
            workspace_id=statement.workspace_id,
            statement=statement,
            kind="credit",
            deal_id=spec.deal_id,
            deal_name=spec.deal_name[:200],
            closed_on=spec.closed_on,
            plan_name=spec.plan_name,
            category=spec.category,
            source_amount=spec.source_amount,
            source_currency=spec.source_currency,
            amount=spec.amount,
            rate=spec.rate.quantize(RATE_PLACES),
            commission=spec.commission,
            position=i,
        )
        for i, spec in enumerate(result.lines)
    ]


def _locked(workspace_id: int, user_id: int, month: dt.date) -> CommissionStatement | None:
    rows = CommissionStatement.objects.select_for_update().filter(
        workspace_id=workspace_id, user_id=user_id, month=month
    )
    return rows.first()


@transaction.atomic
def recalculate(
    workspace_id: int, user_id: int, month: dt.date, *, create: bool = False
) -> CommissionStatement | None:
    """Re-derive an open statement's credits (an approved one is returned untouched). A missing
    statement is made when it would have lines, or always with `create`."""
    statement = _locked(workspace_id, user_id, month)
    if statement is not None and statement.status == "approved":
        return statement
    data = month_deals(workspace_id, user_id, month)
    result = calculate_month(data.credits, data.quota)
    if statement is None:
        if not result.lines and not create:
            return None
        statement, _ = CommissionStatement.objects.get_or_create(
            workspace_id=workspace_id, user_id=user_id, month=month,
            defaults={"currency": data.base},
        )  # fmt: skip
    credits = statement.lines.filter(kind="credit").order_by("position", "pk")
    wanted = _new_lines(statement, result)
    changed = [_line_key(x) for x in credits] != [_line_key(x) for x in wanted]
    if changed:
        credits.delete()
        CommissionLine.objects.bulk_create(wanted)
    figures = {
        "currency": data.base, "won_amount": result.won_amount, "quota": data.quota,
        "attainment": result.attainment, "missing_currencies": data.missing,
        "tier_rate": None if result.tier_rate is None else result.tier_rate.quantize(RATE_PLACES),
    }  # fmt: skip
    changed |= any(getattr(statement, k) != v for k, v in figures.items())
    for name, value in figures.items():
        setattr(statement, name, value)
    refresh_total(statement, bump=changed)
    return statement


def refresh_total(statement: CommissionStatement, bump: bool = True) -> None:
    """Sum the lines into the statement (and move its version on when something changed)."""
    total = statement.lines.aggregate(total=Sum("commission"))["total"] or ZERO
    if total != statement.commission:
        bump = True
    statement.commission = cents(Decimal(total))
    statement.calculated_at = timezone.now()
    if bump:
        statement.version += 1
    statement.save()


# --- Deals ----------------------------------------------------------------------------------------


def statements_of_deal(workspace_id: int, deal_id: int) -> set[Key]:
    """(user, month) of every statement that paid the deal or was corrected for it."""
    keys: set[Key] = set()
    lines = CommissionLine.objects.filter(workspace_id=workspace_id, deal_id=deal_id)
    for row in lines.values(
        "statement__user_id", "statement__month", "kind",
        "source_statement__user_id", "source_statement__month",
    ):  # fmt: skip
        if row["kind"] == "credit":
            keys.add((row["statement__user_id"], row["statement__month"]))
        else:
            keys.add((row["source_statement__user_id"], row["source_statement__month"]))
    return keys


def _deal_months(
    workspace_id: int, deal_id: int, owner_before: int | None, closed_before: dt.date | None
) -> set[Key]:
    """(owner, month) the deal counts in now and, with the before-values, counted in."""
    row = Deal.objects.filter(workspace_id=workspace_id, pk=deal_id)
    now = row.values_list("owner_id", "closed_on").first() or (None, None)
    owners = {now[0], owner_before or now[0]}
    days = {now[1], closed_before or now[1]}
    return {(o, month_of(d)) for o in owners for d in days if o is not None and d is not None}


@transaction.atomic
def recalculate_for_deal(
    workspace_id: int,
    deal_id: int,
    owner_before: int | None = None,
    closed_before: dt.date | None = None,
) -> None:
    """After a deal changed: re-derive the open months it counts (or counted) in, its owner's
    and close date's before and after the change, and settle the locked ones."""
    deal = deal_for_settlement(workspace_id, deal_id)
    keys = statements_of_deal(workspace_id, deal_id)
    keys |= _deal_months(workspace_id, deal_id, owner_before, closed_before)
    for user_id, month in sorted(keys, key=lambda k: (k[1], k[0])):
        statement = _locked(workspace_id, user_id, month)
        if statement is not None and statement.status == "approved":
            settle_locked_deal(statement, deal_id, deal)
        else:
            recalculate(workspace_id, user_id, month)


def _paid(statement: CommissionStatement, deal_id: int) -> list[CommissionLine]:
    """What the locked statement has paid for the deal: its credits and approved corrections."""
    own = Q(statement=statement, kind="credit")
    corrections = Q(source_statement=statement, statement__status="approved")
    rows = CommissionLine.objects.filter(own | corrections, deal_id=deal_id)
    return list(rows.order_by("pk"))


def _paid_rates(paid: list[CommissionLine]) -> dict[str, Decimal]:
    """The rate each category of the deal was credited at (blended over a marginal split)."""
    amounts: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for line in paid:
        if line.kind == "credit":
            amounts[line.category][0] += line.amount
            amounts[line.category][1] += line.commission
    return {c: (com * 100 / amt if amt else ZERO) for c, (amt, com) in amounts.items()}


def _should(
    statement: CommissionStatement, deal: Deal | None, paid: list[CommissionLine]
) -> tuple[Decimal, Decimal]:
    """(amount, commission) the locked month should pay for the deal now."""
    paid_sum = (sum((x.amount for x in paid), ZERO), sum((x.commission for x in paid), ZERO))
    if deal is None or deal.owner_id != statement.user_id or deal.closed_on is None:
        return ZERO, ZERO
    if month_of(deal.closed_on) != statement.month:
        return ZERO, ZERO
    plans = assigned_plans(statement.workspace_id, deal.owner_id, deal.closed_on, deal.closed_on)
    terms = plan_on(plans, deal.closed_on)
    table = RateTable.load(statement.workspace_id, [deal.currency])
    credit = credit_of(deal, plans, table, set())
    if credit is None:  # no rate for its currency any more: leave the month as it was paid
        return paid_sum
    rates = _paid_rates(paid)
    if credit.amount == paid_sum[0] and set(rates) == {p.category for p in credit.portions}:
        return paid_sum
    commission = ZERO
    for portion in credit.portions:
        rate = rates.get(portion.category)
        if rate is None and terms is not None:
            category_rate = terms.category_rate(portion.category) if portion.category else None
            rate = category_rate or terms.tier_rate(statement.attainment)
        commission += commission_of(portion.amount, rate or ZERO)
    return credit.amount, commission


def _effective_rate(amount: Decimal, commission: Decimal) -> Decimal:
    return (commission * 100 / amount).quantize(RATE_PLACES) if amount else ZERO


def settle_locked_deal(statement: CommissionStatement, deal_id: int, deal: Deal | None) -> None:
    """Write (or replace) the correction of a changed deal of an approved statement."""
    workspace_id = statement.workspace_id
    pending = CommissionLine.objects.filter(
        workspace_id=workspace_id, deal_id=deal_id, source_statement=statement,
        statement__status="open",
    )  # fmt: skip
    touched = set(pending.values_list("statement_id", flat=True))
    pending.delete()
    paid = _paid(statement, deal_id)
    paid_sum = (sum((x.amount for x in paid), ZERO), sum((x.commission for x in paid), ZERO))
    should = _should(statement, deal, paid)
    if should != paid_sum:
        touched.add(_write_correction(statement, deal_id, deal, paid, should, paid_sum))
    for open_statement in CommissionStatement.objects.filter(pk__in=touched):
        refresh_total(open_statement)


def _write_correction(
    statement: CommissionStatement,
    deal_id: int,
    deal: Deal | None,
    paid: list[CommissionLine],
    should: tuple[Decimal, Decimal],
    paid_sum: tuple[Decimal, Decimal],
) -> int:
    """The correction line in the rep's current month; returns that statement's id."""
    workspace_id = statement.workspace_id
    target = recalculate(workspace_id, statement.user_id, current_month(workspace_id), create=True)
    assert target is not None and target.status == "open"
    credit = next((x for x in paid if x.kind == "credit"), paid[0] if paid else None)
    rate = _effective_rate(*should) if should[0] else _effective_rate(*paid_sum)
    CommissionLine.objects.create(
        workspace_id=workspace_id, statement=target,
        kind="reversal" if should[0] == ZERO else "adjustment", deal_id=deal_id,
        deal_name=deal.name if deal else credit.deal_name if credit else "",
        closed_on=deal.closed_on if deal else credit.closed_on if credit else None,
        plan_name=credit.plan_name if credit else "",
        amount=should[0] - paid_sum[0], commission=should[1] - paid_sum[1], rate=rate,
        source_statement=statement, reverses=credit if credit and credit.kind == "credit" else None,
        position=10_000,
    )  # fmt: skip
    return target.pk


# --- Users and months -----------------------------------------------------------------------------


def months_to_refresh(
    workspace_id: int, user_id: int, since: dt.date, until: dt.date
) -> set[dt.date]:
    """The user's months from `since` to `until` that hold a statement or a won deal."""
    first = month_of(since)
    stated = CommissionStatement.objects.filter(
        workspace_id=workspace_id, user_id=user_id, month__gte=first, month__lte=until
    ).values_list("month", flat=True)
    won = (
        Deal.objects.filter(
            workspace_id=workspace_id,
            deleted_at__isnull=True,
            stage__kind="won",
            owner_id=user_id,
            closed_on__gte=first,
            closed_on__lte=month_end(until),
        )
        .annotate(m=TruncMonth("closed_on"))
        .order_by()
        .values_list("m", flat=True)
        .distinct()
    )
    return set(stated) | {month_of(m) for m in won}


def refresh_users(workspace_id: int, user_ids: Iterable[int], since: dt.date) -> None:
    """After a plan or an assignment changed: recalculate the users' open months since `since`
    (up to this month) that hold a statement or a won deal."""
    until = current_month(workspace_id)
    for user_id in sorted(set(user_ids)):
        for month in sorted(months_to_refresh(workspace_id, user_id, since, until)):
            recalculate(workspace_id, user_id, month)
