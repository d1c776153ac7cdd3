"""Request and response shapes of /api/v1/canned-responses and /api/v1/macros."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.core.api_support import RecordId
from rapport.macros.actions import MacroActions
from rapport.macros.models import CannedResponse, Macro

BODY_HELP = (
    "rich text (HTML or plain text, sanitised) with merge fields, e.g. "
    "'Hello {{ requester.first_name or \"there\" }}'; at most 20,000 characters"
)


class CannedResponseCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    body: str = Field(description=BODY_HELP)
    is_shared: bool = Field(True, description="false: personal, seen by its owner only")


class CannedResponseUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = None
    is_shared: bool | None = None


class CannedResponseRead(Schema):
    id: int
    title: str
    body: str
    is_shared: bool
    owner_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class CannedResponseRenderInput(Schema):
    model_config = ConfigDict(extra="forbid")

    ticket_id: RecordId = Field(description="the ticket whose merge fields fill the response")


class CannedResponseRendered(Schema):
    body: str = Field(description="sanitised HTML, merge fields filled")


class MacroCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    description: str = ""
    actions: MacroActions


class MacroUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    description: str | None = None
    actions: MacroActions | None = None


class MacroRead(Schema):
    id: int
    title: str
    description: str
    actions: dict[str, Any] = Field(description="only the actions the macro sets")
    created_by_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class MacroApplyInput(Schema):
    model_config = ConfigDict(extra="forbid")

    ticket_id: RecordId


class MacroApplied(Schema):
    ticket_id: int
    number: int
    status: str
    version: int = Field(description="the ticket's version after the macro")


def canned_response_body(response: CannedResponse) -> dict[str, Any]:
    return CannedResponseRead.model_validate(response, from_attributes=True).model_dump()


def macro_body(macro: Macro) -> dict[str, Any]:
    return MacroRead.model_validate(macro, from_attributes=True).model_dump()
