"""Request and response shapes of lead conversion."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.core.api_support import RecordId
from rapport.deals.schemas import ContactRole
from rapport.leads.models import LeadConversion
from rapport.leads.queries import CompanyChoice


class NewCompany(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    domains: list[str] | None = Field(None, description="Default: the lead's business domains.")
    industry: str | None = None


class ConversionDeal(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, description='Default: "<contact> deal".')
    amount: decimal.Decimal | None = None
    currency: str | None = None
    pipeline_id: RecordId | None = None
    stage_id: RecordId | None = None
    expected_close_on: dt.date | None = None
    owner_id: RecordId | None = None
    source: str | None = None
    role: ContactRole = "decision_maker"


class ConvertLead(Schema):
    """Leave `company_id` out to use the lead's company or the one its email domain matches
    (several matches: 422 asking to choose); null for no company; or give `new_company`."""

    model_config = ConfigDict(extra="forbid")

    company_id: RecordId | None = None
    new_company: NewCompany | None = None
    deal: ConversionDeal | None = Field(None, description="Leave out or null for no deal.")
    lifecycle_stage: Literal["sales_qualified", "opportunity", "customer"] | None = None


class ConversionRead(Schema):
    id: int
    contact_id: int
    company_id: int | None
    created_company: bool
    deal_id: int | None
    converted_at: dt.datetime
    converted_by_id: int | None
    undone_at: dt.datetime | None


class CompanyMatch(Schema):
    id: int
    name: str


class ConversionOptions(Schema):
    current_company: CompanyMatch | None
    matches: list[CompanyMatch]
    domains: list[str]


def conversion_body(conversion: LeadConversion) -> dict[str, Any]:
    return {name: getattr(conversion, name) for name in ConversionRead.model_fields}


def options_body(choice: CompanyChoice) -> dict[str, Any]:
    current = choice.current
    return {
        "current_company": {"id": current.pk, "name": current.name} if current else None,
        "matches": [{"id": c.pk, "name": c.name} for c in choice.matches],
        "domains": choice.domains,
    }
