"""Product (with its list prices per currency) and PriceBook (with its entries).

Money is a Decimal `unit_price` beside a three-letter `currency`, never a float. The catalogue is
a workspace setting under the *product* grant: no record has an owner, so role scopes do not
narrow it.
"""

from __future__ import annotations

import decimal

from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import Record, WorkspaceScoped

PRICE_DIGITS = 18  # max_digits of every unit price (amounts.MAX_PRICE keeps them below 10^13)
PRICE_PLACES = 2


class Product(Record):
    """Something a deal's line item sells. Inactive products stay on old line items but cannot
    be added to new ones; deleted ones go to the restore bin and free their SKU."""

    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=100, blank=True)  # commission rates per category
    tax_rate = models.DecimalField(  # percent, 0 to 100
        max_digits=5, decimal_places=2, default=decimal.Decimal("0")
    )
    is_active = models.BooleanField(default=True)
    unit = models.CharField(max_length=32, blank=True)  # "seat", "hour"...

    OWNER_FIELD = None
    OBJECT_TYPE = "product"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("sku"),
                condition=Q(deleted_at__isnull=True),
                name="product_unique_live_sku_ci",
            ),
            models.CheckConstraint(
                condition=Q(tax_rate__gte=0, tax_rate__lte=100), name="product_tax_rate_percent"
            ),
        ]
        indexes = [
            models.Index(fields=["workspace", "name", "id"]),
            models.Index(fields=["workspace", "sku", "id"]),
            models.Index(fields=["workspace", "category", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"


class ProductPrice(models.Model):
    """A product's list price in one currency: what it costs when no price book says otherwise."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(max_length=3)  # ISO 4217, upper-case
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "currency"], name="productprice_unique"),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="productprice_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_price} {self.currency}"


class PriceBook(WorkspaceScoped):
    """Prices that override list prices for the deals using the book ("Partner prices").

    Deleting sets `deleted_at` (like an email template) rather than removing the row, so a deal
    naming the book can still tell that it is gone; its name is free again.
    """

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    is_active = models.BooleanField(default=True)  # inactive: not offered for new deals
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = None
    OBJECT_TYPE = "price_book"  # audit and events; the permission object type is "product"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="pricebook_unique_live_name_ci",
            )
        ]
        indexes = [models.Index(fields=["workspace", "name", "id"])]

    def __str__(self) -> str:
        return self.name


class PriceBookEntry(models.Model):
    """A price book's price for one product in one currency."""

    price_book = models.ForeignKey(PriceBook, on_delete=models.CASCADE, related_name="entries")
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="price_book_entries"
    )
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    currency = models.CharField(max_length=3)  # ISO 4217, upper-case
    unit_price = models.DecimalField(max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)

    class Meta:
        verbose_name_plural = "price book entries"
        constraints = [
            models.UniqueConstraint(
                fields=["price_book", "product", "currency"], name="pricebookentry_unique"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="pricebookentry_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_price} {self.currency}"
