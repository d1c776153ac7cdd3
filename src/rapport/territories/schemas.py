"""Request and response shapes of /api/v1/territories."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.core.api_support import RecordId
from rapport.territories.models import Territory

RuleList = list[str] | None


class TerritoryUpdate(Schema):
    """Every field optional; `position` changes only through PUT /territories/order."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    team_id: RecordId | None = Field(None, description="The team that works the territory.")
    is_active: bool | None = None
    countries: RuleList = Field(None, description="ISO 3166-1 alpha-2 codes, e.g. DE, AT.")
    regions: RuleList = Field(None, description="Regions or states; compared without case.")
    postcode_prefixes: RuleList = Field(None, description="Postcodes starting with, e.g. 75.")
    industries: RuleList = Field(None, description="Company industries; without case.")
    min_employees: int | None = Field(None, ge=0)
    max_employees: int | None = Field(None, ge=0)


class TerritoryCreate(TerritoryUpdate):
    name: str
    team_id: RecordId


class TerritoryRead(Schema):
    id: int
    name: str
    position: int = Field(description="Priority: territories are tried in this order.")
    team_id: int | None
    is_active: bool
    countries: list[str]
    regions: list[str]
    postcode_prefixes: list[str]
    industries: list[str]
    min_employees: int | None
    max_employees: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TerritoryOrder(Schema):
    model_config = ConfigDict(extra="forbid")

    territory_ids: list[RecordId] = Field(max_length=1000)


class FactsIn(Schema):
    """A record's facts as territory rules read them; missing ones are empty."""

    model_config = ConfigDict(extra="forbid")

    country: str = Field("", max_length=2)
    region: str = Field("", max_length=100)
    postal_code: str = Field("", max_length=20)
    industry: str = Field("", max_length=100)
    employee_count: int | None = Field(None, ge=0)


class MatchRead(Schema):
    territory: TerritoryRead | None = Field(description="The first matching territory, or null.")


def territory_body(territory: Territory) -> dict[str, Any]:
    return TerritoryRead.model_validate(territory, from_attributes=True).model_dump()
