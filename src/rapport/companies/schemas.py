"""Request and response shapes of /api/v1/companies."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.companies.models import Company
from rapport.core.api_support import RecordId
from rapport.customfields.models import CustomField
from rapport.customfields.queries import visible_custom


class TagRef(Schema):
    id: int
    name: str
    color: str


class CompanyUpdate(Schema):
    """Every field optional; read-only fields (id, version, workspace...) are refused (422)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    industry: str | None = None
    employee_count: int | None = Field(None, ge=0)
    annual_revenue: decimal.Decimal | None = None
    annual_revenue_currency: str | None = None
    phone: str | None = None
    website: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    owner_id: RecordId | None = None
    tags: list[int | str] | None = None
    custom: dict[str, Any] | None = None
    domains: list[str] | None = None


class CompanyCreate(CompanyUpdate):
    name: str


class CompanyRead(Schema):
    id: int
    name: str
    industry: str
    employee_count: int | None
    annual_revenue: str | None
    annual_revenue_currency: str
    phone: str
    website: str
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    owner_id: int | None
    tags: list[TagRef]
    domains: list[str]
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


def tag_refs(record: Any) -> list[dict[str, Any]]:
    tags = sorted(record.tags.all(), key=lambda t: t.name.lower())
    return [{"id": t.pk, "name": t.name, "color": t.color} for t in tags]


def company_body(company: Company, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API shape of a company; expects domains and tags prefetched."""
    plain = (
        "name", "industry", "employee_count", "annual_revenue_currency", "phone", "website",
        "street", "city", "region", "postal_code", "country", "owner_id", "version",
        "created_at", "updated_at", "deleted_at",
    )  # fmt: skip
    body: dict[str, Any] = {"id": company.pk, **{name: getattr(company, name) for name in plain}}
    revenue = company.annual_revenue
    body["annual_revenue"] = None if revenue is None else str(revenue)
    body["tags"] = tag_refs(company)
    body["domains"] = sorted(d.domain for d in company.domains.all())
    body["custom"] = visible_custom(company.custom, custom_fields)
    return body
