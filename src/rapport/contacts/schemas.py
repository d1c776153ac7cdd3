"""Request and response shapes of /api/v1/contacts."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.companies.schemas import TagRef, custom_cells, tag_refs
from rapport.contacts.models import Contact
from rapport.core.api_support import RecordId
from rapport.customfields.models import CustomField
from rapport.customfields.queries import visible_custom


class EmailIn(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str
    is_primary: bool = False


class PhoneIn(Schema):
    model_config = ConfigDict(extra="forbid")

    number: str
    kind: str = "work"
    is_primary: bool = False


class ContactWrite(Schema):
    """Create and update alike (all optional); read-only fields are refused with 422."""

    model_config = ConfigDict(extra="forbid")

    first_name: str | None = None
    last_name: str | None = None
    job_title: str | None = None
    company_id: RecordId | None = None
    lifecycle_stage: str | None = None
    lead_source: str | None = None
    lead_status: (
        Literal["", "new", "attempting_contact", "connected", "qualified", "unqualified"] | None
    ) = None
    unqualified_reason: str | None = None
    lead_rating: Literal["", "hot", "warm", "cold"] | None = None
    owner_id: RecordId | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    birthday: dt.date | None = None
    consent_status: str | None = None
    consent_source: str | None = None
    emails: list[EmailIn] | None = None
    phones: list[PhoneIn] | None = None
    tags: list[int | str] | None = None
    custom: dict[str, Any] | None = None


class EmailOut(Schema):
    email: str
    is_primary: bool


class PhoneOut(Schema):
    number: str
    kind: str
    is_primary: bool


class ContactRead(Schema):
    id: int
    first_name: str
    last_name: str
    job_title: str
    company_id: int | None
    lifecycle_stage: str
    lead_source: str
    lead_status: str
    unqualified_reason: str
    lead_rating: str
    owner_id: int | None
    last_assignment: str = Field(description="Why the owner is the owner (set by workflows).")
    street: str
    city: str
    region: str
    postal_code: str
    country: str
    birthday: dt.date | None
    consent_status: str
    consent_at: dt.datetime | None
    consent_source: str
    primary_email: str
    emails: list[EmailOut]
    phones: list[PhoneOut]
    tags: list[TagRef]
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


_PLAIN = tuple(
    name
    for name in ContactRead.model_fields
    if name not in {"id", "emails", "phones", "tags", "custom"}
)


def contact_body(contact: Contact, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API shape of a contact, fetched with contacts.queries.RELATED."""
    body: dict[str, Any] = {"id": contact.pk, **{n: getattr(contact, n) for n in _PLAIN}}
    emails = sorted(contact.email_rows, key=lambda e: (not e.is_primary, e.pk))  # type: ignore[attr-defined]
    phones = sorted(contact.phone_rows, key=lambda p: (not p.is_primary, p.pk))  # type: ignore[attr-defined]
    body["emails"] = [{"email": e.email, "is_primary": e.is_primary} for e in emails]
    body["phones"] = [
        {"number": p.number, "kind": p.kind, "is_primary": p.is_primary} for p in phones
    ]
    body["tags"] = tag_refs(contact)
    body["custom"] = visible_custom(contact.custom, custom_fields)
    return body


# --- CSV export: one flat row per contact, headed by API field names ---------------------------

EXPORT_COLUMNS = (
    "id", "first_name", "last_name", "primary_email", "emails", "phones", "job_title",
    "company_id", "company_name", "lifecycle_stage", "lead_source", "lead_status",
    "unqualified_reason", "lead_rating", "owner_email", "tags",
    "street", "city", "region", "postal_code", "country", "birthday", "consent_status",
    "consent_at", "consent_source", "created_at", "updated_at",
)  # fmt: skip


def contact_row(
    contact: Contact, custom_fields: list[CustomField], user_emails: dict[int, str]
) -> dict[str, Any]:
    """A contact as an export row, fetched by contacts.queries.contacts_to_export."""
    body = contact_body(contact, custom_fields)
    row = {name: body.get(name) for name in EXPORT_COLUMNS}
    row["emails"] = [email["email"] for email in body["emails"]]
    row["phones"] = [phone["number"] for phone in body["phones"]]
    row["tags"] = [tag["name"] for tag in body["tags"]]
    row["company_name"] = contact.company_name  # type: ignore[attr-defined]
    row["owner_email"] = user_emails.get(contact.owner_id or 0, "")
    return {**row, **custom_cells(contact, custom_fields, user_emails)}
