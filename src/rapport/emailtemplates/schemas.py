"""Request and response shapes of /api/v1/email-templates."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.core.api_support import RecordId
from rapport.emailtemplates.models import EmailTemplate

SUBJECT_HELP = "Jinja text with merge fields, e.g. 'Hello {{ contact.first_name or \"there\" }}'"


class EmailTemplateCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    subject: str = Field(description=SUBJECT_HELP)
    body: str = Field(description="plain text with merge fields, at most 20,000 characters")
    description: str = ""


class EmailTemplateUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    subject: str | None = None
    body: str | None = None
    description: str | None = None


class EmailTemplateRead(Schema):
    id: int
    name: str
    description: str
    subject: str
    body: str
    created_by_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class PreviewRecords(Schema):
    """The records to render with; both optional (their merge fields then render empty)."""

    model_config = ConfigDict(extra="forbid")

    contact_id: RecordId | None = None
    company_id: RecordId | None = Field(None, description="default: the contact's company")


class UnsavedPreview(PreviewRecords):
    subject: str
    body: str


class RenderedEmailRead(Schema):
    subject: str
    body: str


def email_template_body(template: EmailTemplate) -> dict[str, Any]:
    return EmailTemplateRead.model_validate(template, from_attributes=True).model_dump()
