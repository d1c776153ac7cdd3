"""Company: a customer organisation, with its web domains."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rapport.core.tenancy import Record


class Company(Record):
    name = models.CharField(max_length=200)
    industry = models.CharField(max_length=100, blank=True)
    employee_count = models.PositiveIntegerField(null=True, blank=True)
    annual_revenue = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    annual_revenue_currency = models.CharField(max_length=3, blank=True)
    phone = models.CharField(max_length=32, blank=True)  # E.164
    website = models.URLField(blank=True)
    street = models.CharField(max_length=200, blank=True)
    city = models.CharField(max_length=100, blank=True)
    region = models.CharField(max_length=100, blank=True)
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True)  # ISO 3166-1 alpha-2
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField("tags.Tag", blank=True, related_name="companies")
    custom = models.JSONField(default=dict, blank=True)

    OBJECT_TYPE = "company"

    class Meta:
        verbose_name_plural = "companies"
        indexes = [
            models.Index(fields=["workspace", "name", "id"]),
            models.Index(fields=["workspace", "owner", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
            models.Index(fields=["workspace", "created_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.name


class CompanyDomain(models.Model):
    """A web domain of a company (lower-case, no scheme); used to match contacts by email."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="domains")
    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    domain = models.CharField(max_length=253)

    class Meta:
        indexes = [models.Index(fields=["workspace", "domain"])]
        constraints = [
            models.UniqueConstraint(fields=["company", "domain"], name="companydomain_unique")
        ]

    def __str__(self) -> str:
        return self.domain
