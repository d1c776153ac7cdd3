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
from rapport.customfields.queries import PREFIX, visible_custom


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
    tags = sorted(record.tag_rows, key=lambda t: t.name.lower())  # prefetched (RELATED)
    return [{"id": t.pk, "name": t.name, "color": t.color} for t in tags]


def company_body(company: Company, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API shape of a company, fetched with companies.queries.RELATED."""
    plain = (
        "name", "industry", "employee_count", "annual_revenue_currency", "phone", "website",
        "street", "city", "region", "postal_code", "country", "owner_id", "version",
        "created_at", "updated_at", "deleted_at",
    )  # fmt: skip
    body: dict[str, Any] = {"id": company.pk, **{name: getattr(company, name) for name in plain}}
    revenue = company.annual_revenue
    body["annual_revenue"] = None if revenue is None else str(revenue)
    body["tags"] = tag_refs(company)
    body["domains"] = sorted(d.domain for d in company.domain_rows)  # type: ignore[attr-defined]
    body["custom"] = visible_custom(company.custom, custom_fields)
    return body


# --- CSV export: one flat row per record, headed by API field names ----------------------------

EXPORT_COLUMNS = (
    "id", "name", "domains", "industry", "employee_count", "annual_revenue",
    "annual_revenue_currency", "phone", "website", "owner_email", "tags", "street", "city",
    "region", "postal_code", "country", "created_at", "updated_at",
)  # fmt: skip


def export_columns(standard: tuple[str, ...], custom_fields: list[CustomField]) -> list[str]:
    """Every column an export can write: the standard ones, then custom.<key> in display order."""
    return [*standard, *(PREFIX + f.key for f in custom_fields)]


def custom_cells(
    record: Any, custom_fields: list[CustomField], user_emails: dict[int, str]
) -> dict[str, Any]:
    """custom.<key> -> value, with a user as their email and money as "12.50 EUR"."""
    cells: dict[str, Any] = {}
    for field in custom_fields:
        value = (record.custom or {}).get(field.key)
        if field.field_type == "user" and value is not None:
            value = user_emails.get(value, "")
        elif field.field_type == "currency" and isinstance(value, dict):
            value = f"{value.get('amount')} {value.get('currency')}"
        cells[PREFIX + field.key] = value
    return cells


def company_row(
    company: Company, custom_fields: list[CustomField], user_emails: dict[int, str]
) -> dict[str, Any]:
    """A company as an export row (EXPORT_COLUMNS and custom cells), fetched as for the API."""
    body = company_body(company, custom_fields)
    row = {name: body.get(name) for name in EXPORT_COLUMNS}
    row["tags"] = [tag["name"] for tag in body["tags"]]
    row["owner_email"] = user_emails.get(company.owner_id or 0, "")
    return {**row, **custom_cells(company, custom_fields, user_emails)}
