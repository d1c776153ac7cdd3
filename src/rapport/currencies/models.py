"""ExchangeRate: what one unit of a currency is worth in the workspace's base currency, by date."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class ExchangeRate(WorkspaceScoped):
    """1 `currency` = `rate` units of the base currency (`Workspace.default_currency`), from
    `rate_on` until the currency's next rate.

    Not a `core.tenancy.Record`: a rate has no owner and no restore bin (a deleted rate is gone,
    like a tag), but it carries `version` for If-Match like the other editable settings rows.
    Rows of the base currency itself never exist; changing the base rebases every row
    (`services.change_base_currency`).
    """

    currency = models.CharField(max_length=3)
    rate_on = models.DateField()
    rate = models.DecimalField(max_digits=20, decimal_places=10)
    source = models.CharField(max_length=40, default="manual")
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "exchange_rate"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "currency", "rate_on"],
                name="exchangerate_unique_currency_date",
            ),
            models.CheckConstraint(
                condition=models.Q(rate__gt=0), name="exchangerate_rate_positive"
            ),
        ]
        # The unique constraint serves lookups by currency; this one the newest-first list.
        indexes = [models.Index(fields=["workspace", "rate_on", "id"])]

    def __str__(self) -> str:
        return f"{self.currency} on {self.rate_on.isoformat()}"
