"""Quote (one version of a numbered quote for a deal) and QuoteCounter (its numbers).

A quote keeps a frozen copy of what was offered (`offer`: parties, lines with every amount,
totals) taken when it is created or revised, so later edits of the deal, its company, contact
or the catalogue never change a quote that was sent. Quotes follow their deal's rights: there
is no quote grant.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped

STATUSES = ("draft", "sent", "accepted", "declined", "expired", "superseded")
DECISIONS = ("accepted", "declined")
OPEN_STATUSES = ("draft", "sent")  # the ones that can still be sent, revised or decided


class QuoteCounter(WorkspaceScoped):
    """The last number given to a quote of the workspace in a year; it only ever goes up, so
    numbers are never reused. Locked (select_for_update) while a number is taken."""

    year = models.PositiveIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "year"], name="quotecounter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.last}"


class Quote(WorkspaceScoped):
    """One version of a quote: `number` (Q-2026-0007) is shared by its versions; revising a sent
    quote makes version + 1 and supersedes this one, which stays readable."""

    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="quotes")
    number = models.CharField(max_length=20)
    version = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, default="draft", choices=[(s, s) for s in STATUSES])
    currency = models.CharField(max_length=3)
    valid_until = models.DateField()  # the last day it can be accepted (workspace time zone)
    terms = models.TextField(blank=True)
    offer = models.JSONField(default=dict)  # the frozen copy; see quotes.offers
    subtotal = models.DecimalField(max_digits=18, decimal_places=2)  # before tax
    tax = models.DecimalField(max_digits=18, decimal_places=2)
    total = models.DecimalField(max_digits=18, decimal_places=2)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_to = models.CharField(max_length=254, blank=True)
    # The customer's answer through the quote's link.
    decided_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=8, blank=True, choices=[(d, d) for d in DECISIONS])
    decision_name = models.CharField(max_length=200, blank=True)
    decision_email = models.CharField(max_length=254, blank=True)
    decision_comment = models.TextField(blank=True)
    decision_ip = models.GenericIPAddressField(null=True, blank=True)
    # Random, per version, signed into the public link (quotes.links): a new version's link
    # never opens an old one.
    link_nonce = models.CharField(max_length=32)

    OWNER_FIELD = None
    OBJECT_TYPE = "quote"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "number", "version"], name="quote_unique_number_version"
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "deal", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
            models.Index(fields=["status", "valid_until"]),  # the expiry sweep
        ]

    def __str__(self) -> str:
        return f"{self.number} v{self.version}"
