"""LeadConversion: what converting a lead did, kept so that it can be undone."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class LeadConversion(WorkspaceScoped):
    """One conversion of a contact: the company it linked or created, the deal it created, and
    the contact's fields before, which an undo puts back."""

    contact = models.ForeignKey(
        "contacts.Contact", on_delete=models.CASCADE, related_name="conversions"
    )
    company = models.ForeignKey(
        "companies.Company", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_company = models.BooleanField(default=False)
    deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The contact's fields the conversion changed, as they were: {field: value}.
    before = models.JSONField(default=dict)
    converted_at = models.DateTimeField(default=timezone.now)
    converted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["workspace", "contact", "-converted_at"])]

    def __str__(self) -> str:
        return f"conversion of contact {self.contact_id}"
