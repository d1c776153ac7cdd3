"""Pipeline, Stage, Deal, DealContact, DealStageChange and LineItem: what a sales team sells and
where."""

from __future__ import annotations

import decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from rapport.core.tenancy import Record, WorkspaceScoped

STAGE_KINDS = ("open", "won", "lost")
FORECAST_CATEGORIES = ("pipeline", "best_case", "commit", "omitted", "closed")
CONTACT_ROLES = (
    "decision_maker",
    "economic_buyer",
    "champion",
    "influencer",
    "technical_evaluator",
    "user",
    "other",
)


class Pipeline(WorkspaceScoped):
    """An ordered set of stages a deal moves through; a workspace has one or more."""

    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now)
    # A removed pipeline is kept (hidden) so stage history still names its stages.
    removed_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = None
    OBJECT_TYPE = "pipeline"

    class Meta:
        indexes = [models.Index(fields=["workspace", "position", "id"])]

    def __str__(self) -> str:
        return self.name


class Stage(WorkspaceScoped):
    """A step of a pipeline: open, won or lost, with the win probability it stands for."""

    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(max_length=100)
    position = models.PositiveIntegerField(default=0)
    probability = models.PositiveSmallIntegerField(default=0)  # percent, 0-100
    kind = models.CharField(max_length=4, default="open", choices=[(k, k) for k in STAGE_KINDS])
    # How long a deal is expected to stay; longer and it is flagged as stuck. None: never.
    expected_days = models.PositiveIntegerField(null=True, blank=True)
    # A removed stage is kept (hidden) so stage history and win rates still name it.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["pipeline", "position", "id"])]

    def __str__(self) -> str:
        return self.name


class Deal(Record):
    """A sale in progress or closed: an amount in a currency, in a stage of a pipeline."""

    name = models.CharField(max_length=200)
    amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    currency = models.CharField(max_length=3)
    pipeline = models.ForeignKey(Pipeline, on_delete=models.PROTECT, related_name="deals")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="deals")
    # When the deal entered its stage (board staleness; DealStageChange keeps the history).
    stage_entered_at = models.DateTimeField(default=timezone.now)
    expected_close_on = models.DateField(null=True, blank=True)
    # Set when the deal moves to a won or lost stage, cleared when it reopens.
    closed_on = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the owner is the owner, written by a workflow's assign_owner step; cleared when the
    # owner changes without one (see contacts.Contact.last_assignment).
    last_assignment = models.CharField(max_length=300, blank=True)
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="deals"
    )
    next_step = models.CharField(max_length=200, blank=True)
    next_step_on = models.DateField(null=True, blank=True)
    lost_reason = models.CharField(max_length=200, blank=True)
    forecast_category = models.CharField(
        max_length=10, default="pipeline", choices=[(c, c) for c in FORECAST_CATEGORIES]
    )
    source = models.CharField(max_length=100, blank=True)
    # The prices new line items get (a product the book has no price for keeps its list price).
    price_book = models.ForeignKey(
        "products.PriceBook", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="deals")
    custom = models.JSONField(default=dict, blank=True)

    OBJECT_TYPE = "deal"

    class Meta:
        indexes = [
            # The board: a column's cards, longest in the stage first.
            models.Index(fields=["workspace", "stage", "stage_entered_at", "id"]),
            # The board's totals read only this index (SQLite and PostgreSQL alike): no table
            # lookups for 100,000 deals. deleted_at and owner serve the visibility filter.
            models.Index(
                fields=[
                    "workspace",
                    "pipeline",
                    "stage",
                    "currency",
                    "closed_on",
                    "amount",
                    "deleted_at",
                    "owner",
                ],
                name="deal_board_totals",
            ),
            models.Index(fields=["workspace", "owner", "id"]),
            models.Index(fields=["workspace", "company", "id"]),
            models.Index(fields=["workspace", "expected_close_on", "id"]),
            models.Index(fields=["workspace", "closed_on", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.name


class DealContact(WorkspaceScoped):
    """A contact involved in a deal, with the role they play in the decision."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="deal_contacts")
    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="deal_links"
    )
    role = models.CharField(max_length=20, default="other", choices=[(r, r) for r in CONTACT_ROLES])
    is_primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "contact"])]
        constraints = [
            models.UniqueConstraint(fields=["deal", "contact"], name="dealcontact_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} as {self.role}"


class DealStageChange(WorkspaceScoped):
    """A deal's stay in a stage: when it entered and left it (open while it is still there).

    Written by the deal services on create and on every stage change; read for time in stage,
    stuck deals and the historical win rate of each stage.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="stage_changes")
    pipeline = models.ForeignKey(Pipeline, on_delete=models.CASCADE, related_name="+")
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="stays")
    entered_at = models.DateTimeField()
    left_at = models.DateTimeField(null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [
            models.Index(fields=["deal", "entered_at", "id"]),
            models.Index(fields=["workspace", "stage", "entered_at"]),
        ]

    def __str__(self) -> str:
        return f"deal {self.deal_id} in stage {self.stage_id}"


class LineItem(WorkspaceScoped):
    """A product (or a free line) a deal sells: quantity, unit price, discount and tax.

    Prices are in the deal's currency. Net, tax and total are computed, never stored
    (`deals.line_amounts`); while a deal has line items its amount is the sum of their nets.
    """

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="line_items")
    product = models.ForeignKey(
        "products.Product", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)  # copied from the product, editable
    description = models.TextField(blank=True)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)  # more than 0
    unit_price = models.DecimalField(max_digits=18, decimal_places=2)  # zero or more
    discount_percent = models.DecimalField(  # 0 to 100
        max_digits=5, decimal_places=2, default=decimal.Decimal("0")
    )
    tax_rate = models.DecimalField(  # percent, 0 to 100; the product's by default
        max_digits=5, decimal_places=2, default=decimal.Decimal("0")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["deal", "position", "id"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="lineitem_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="lineitem_unit_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="lineitem_discount_percent",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="lineitem_tax_rate_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.name}"
