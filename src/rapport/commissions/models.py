"""CommissionPlan, PlanAssignment, CommissionStatement and CommissionLine: what reps earn.

A plan holds the rates (base, tiers by quota attainment, per product category); an assignment
gives a plan to a user for a span of days; a statement is one rep's commission for one calendar
month, derived from won deals (its lines) and locked once approved.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped

TIER_MODES = ("retroactive", "marginal")
STATUSES = ("open", "approved")
LINE_KINDS = ("credit", "adjustment", "reversal")


class CommissionPlan(WorkspaceScoped):
    """Rates in percent of closed-won amounts, valid from `effective_from` to `effective_to`.

    `tiers` is `[{"from": "0", "rate": "5"}, {"from": "100", "rate": "8"}]`: attainment in
    percent of the month's quota (ascending, the first from 0) and the rate from there on.
    `category_rates` is `[{"category": "Services", "rate": "12"}]` (product categories).
    Decimals are stored as strings so no float ever touches a rate.
    """

    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    base_rate = models.DecimalField(max_digits=7, decimal_places=4)
    tier_mode = models.CharField(
        max_length=11, default="retroactive", choices=[(m, m) for m in TIER_MODES]
    )
    tiers = models.JSONField(default=list, blank=True)
    category_rates = models.JSONField(default=list, blank=True)
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)  # the last day; None: open-ended
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "commission_plan"

    class Meta:
        indexes = [models.Index(fields=["workspace", "name", "id"])]

    def __str__(self) -> str:
        return self.name


class PlanAssignment(WorkspaceScoped):
    """A plan given to a user from `effective_from` to `effective_to` (inclusive; None: open).

    One user's assignments never overlap (the services refuse it), so at most one plan applies
    to a deal: the one assigned on the deal's close date.
    """

    plan = models.ForeignKey(CommissionPlan, on_delete=models.CASCADE, related_name="assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    effective_from = models.DateField()
    effective_to = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "commission_plan"

    class Meta:
        indexes = [models.Index(fields=["workspace", "user", "effective_from"])]

    def __str__(self) -> str:
        return f"plan {self.plan_id} for user {self.user_id}"


class CommissionStatement(WorkspaceScoped):
    """One rep's commission for one calendar month (`month` is its first day).

    Open statements are recalculated whenever their deals change; an approved one is locked:
    later changes to its deals land as adjustment or reversal lines in the rep's open month.
    Amounts are in `currency`, the workspace's base currency when last calculated.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    status = models.CharField(max_length=8, default="open", choices=[(s, s) for s in STATUSES])
    currency = models.CharField(max_length=3)
    won_amount = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    quota = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    attainment = models.DecimalField(  # percent of quota; None without a quota
        max_digits=9, decimal_places=2, null=True, blank=True
    )
    tier_rate = models.DecimalField(  # the tier reached (the top one, for marginal plans)
        max_digits=7, decimal_places=4, null=True, blank=True
    )
    commission = models.DecimalField(max_digits=18, decimal_places=2, default=0)
    missing_currencies = models.JSONField(default=list, blank=True)  # no rate: deals left out
    calculated_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    approved_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    OWNER_FIELD = "user"
    OBJECT_TYPE = "commission_statement"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "month"], name="commissionstatement_unique"
            ),
        ]
        indexes = [models.Index(fields=["workspace", "month", "user"])]

    def __str__(self) -> str:
        return f"commission of user {self.user_id} for {self.month:%Y-%m}"


class CommissionLine(WorkspaceScoped):
    """One amount a statement pays on: a deal's credit, or a correction of a locked month.

    A credit is (part of) a won deal of the statement's month at a rate. An adjustment or a
    reversal settles a deal of an approved month (`source_statement`) that changed after the
    approval: it sits in the rep's open month and `reverses` points at the credit it corrects.
    `deal_id` is a plain number, not a key: a line outlives its deal being erased.
    """

    statement = models.ForeignKey(
        CommissionStatement, on_delete=models.CASCADE, related_name="lines"
    )
    kind = models.CharField(max_length=10, default="credit", choices=[(k, k) for k in LINE_KINDS])
    deal_id = models.BigIntegerField()
    deal_name = models.CharField(max_length=200)
    closed_on = models.DateField(null=True, blank=True)
    plan_name = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=100, blank=True)  # a product category rate's
    source_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    source_currency = models.CharField(max_length=3, blank=True)
    amount = models.DecimalField(max_digits=18, decimal_places=2)  # base currency
    rate = models.DecimalField(max_digits=7, decimal_places=4)  # percent
    commission = models.DecimalField(max_digits=18, decimal_places=2)
    source_statement = models.ForeignKey(
        CommissionStatement, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    reverses = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["statement", "position", "id"]),
            models.Index(fields=["workspace", "deal_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="credit", source_statement__isnull=True)
                | ~Q(kind="credit") & Q(source_statement__isnull=False),
                name="commissionline_source_of_corrections",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} of deal {self.deal_id}"
