"""Contact: a person, with several emails and phones, a company and past companies."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rapport.core.tenancy import Record

LIFECYCLE_STAGES = (
    "subscriber",
    "lead",
    "marketing_qualified",
    "sales_qualified",
    "opportunity",
    "customer",
    "evangelist",
    "other",
)
# The lifecycle stages of a lead: the lead inbox lists them, and they can be converted.
LEAD_STAGES = ("subscriber", "lead", "marketing_qualified", "sales_qualified")
CONSENT_STATUSES = ("unknown", "granted", "denied", "withdrawn")
# Where a rep is with a lead; "" for contacts no one works as a lead.
LEAD_STATUSES = ("new", "attempting_contact", "connected", "qualified", "unqualified")
LEAD_RATINGS = ("hot", "warm", "cold")


class Contact(Record):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    job_title = models.CharField(max_length=150, blank=True)
    company = models.ForeignKey(
        "companies.Company",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    lifecycle_stage = models.CharField(
        max_length=30, default="lead", choices=[(s, s) for s in LIFECYCLE_STAGES]
    )
    lead_source = models.CharField(max_length=100, blank=True)
    lead_status = models.CharField(
        max_length=20, blank=True, choices=[(s, s) for s in LEAD_STATUSES]
    )
    unqualified_reason = models.CharField(max_length=200, blank=True)  # required when unqualified
    lead_rating = models.CharField(max_length=4, blank=True, choices=[(r, r) for r in LEAD_RATINGS])
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Why the owner is the owner, written by a workflow's assign_owner step ("Assigned by
    # territory EMEA (round-robin) to Ada Byron"); cleared when the owner changes without one.
    last_assignment = models.CharField(max_length=300, blank=True)
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="contacts")
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)
    birthday = models.DateField(null=True, blank=True)
    consent_status = models.CharField(
        max_length=20, default="unknown", choices=[(s, s) for s in CONSENT_STATUSES]
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_source = models.CharField(max_length=100, blank=True)
    # Denormalised from the primary ContactEmail for list pages and sorting.
    primary_email = models.CharField(max_length=254, blank=True)
    custom = models.JSONField(default=dict, blank=True)

    OBJECT_TYPE = "contact"

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "last_name", "first_name", "id"]),
            models.Index(fields=["workspace", "owner", "id"]),
            models.Index(fields=["workspace", "company", "id"]),
            # Lists filtered by stage are usually sorted by name (lead inbox, customer lists).
            models.Index(fields=["workspace", "lifecycle_stage", "last_name", "id"]),
            # The lead inbox: a rep's leads by status, newest first.
            models.Index(fields=["workspace", "owner", "lead_status", "created_at", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
            models.Index(fields=["workspace", "primary_email"]),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.primary_email or f"#{self.pk}"


class ContactEmail(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="emails")
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    email = models.CharField(max_length=254)  # stored lower-case
    is_primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "email"])]
        constraints = [
            models.UniqueConstraint(fields=["contact", "email"], name="contactemail_unique")
        ]

    def __str__(self) -> str:
        return self.email


class ContactPhone(models.Model):
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="phones")
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    number = models.CharField(max_length=32)  # E.164, normalised with phonenumbers
    kind = models.CharField(max_length=20, default="work")  # work, mobile, home, other
    is_primary = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["workspace", "number"])]

    def __str__(self) -> str:
        return self.number


class PastCompany(models.Model):
    """A company the contact used to work for (kept when their company changes)."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="past_companies")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")
    job_title = models.CharField(max_length=150, blank=True)
    ended_on = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["contact", "company"], name="pastcompany_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} at {self.company_id}"
