"""Reads about contacts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import models
from django.db.models import Prefetch, Value

from rapport.companies.models import Company
from rapport.companies.queries import ExportChunk, company_names, export_chunks, record_page
from rapport.contacts.models import Contact, ContactEmail, ContactPhone, PastCompany
from rapport.core.api_support import ExportParams, ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField

OBJECT_TYPE = "contact"
# Prefetched into plain lists (to_attr): cheaper per row than related managers.
RELATED = (
    Prefetch("emails", to_attr="email_rows"),
    Prefetch("phones", to_attr="phone_rows"),
    Prefetch("tags", to_attr="tag_rows"),
)
FILTERS = {
    "first_name": FilterField("first_name"),
    "last_name": FilterField("last_name"),
    "job_title": FilterField("job_title"),
    "email": FilterField("emails__email", many=True),
    "primary_email": FilterField("primary_email"),
    "phone": FilterField("phones__number", many=True),
    "lifecycle_stage": FilterField("lifecycle_stage", "choice"),
    "lead_source": FilterField("lead_source"),
    "lead_status": FilterField("lead_status", "choice"),
    "lead_rating": FilterField("lead_rating", "choice"),
    "unqualified_reason": FilterField("unqualified_reason"),
    "consent_status": FilterField("consent_status", "choice"),
    "id": FilterField("id", "id"),
    "owner_id": FilterField("owner_id", "id"),
    "company_id": FilterField("company_id", "id"),
    "tags": FilterField("tags__name", many=True),
    "tag_id": FilterField("tags__id", "id", many=True),
    "city": FilterField("city"),
    "region": FilterField("region"),
    "country": FilterField("country"),
    "birthday": FilterField("birthday", "date"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {
    "first_name", "last_name", "primary_email", "lifecycle_stage", "country", "birthday",
    "created_at", "updated_at", "id",
}  # fmt: skip


def visible_contacts(principal: Principal) -> models.QuerySet[Contact]:
    return visible(principal, Contact.objects.all(), OBJECT_TYPE)


def get_contact(principal: Principal, contact_id: int) -> Contact:
    contact = visible_contacts(principal).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("contact not found")
    attach_related([contact])
    return contact


def list_contacts(
    principal: Principal, params: ListParams, custom_fields: list[CustomField]
) -> Page[Contact]:
    page = record_page(visible_contacts(principal), params, FILTERS, SORTS, custom_fields)
    attach_related(page.items)
    return page


def contacts_to_export(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField]
) -> Iterator[ExportChunk[Contact]]:
    """The contacts an export writes: those the principal may both view and export."""
    exportable = visible(principal, visible_contacts(principal), OBJECT_TYPE, "export")
    chunks = export_chunks(exportable, params, FILTERS, SORTS, custom_fields)
    return (_with_export_related(principal, chunk) for chunk in chunks)


def _with_export_related(principal: Principal, chunk: ExportChunk[Contact]) -> ExportChunk[Contact]:
    """Attach emails, phones, tags and the name of the company, if visible, to each contact."""
    attach_related(chunk.records)
    names = company_names(principal, (c.company_id for c in chunk.records))
    for contact in chunk.records:
        contact.company_name = names.get(contact.company_id or 0, "")  # type: ignore[attr-defined]
    return chunk


@dataclass(frozen=True, slots=True)
class Row:
    """A related row as lists show it (email, phone or tag): plain values, no model instance."""

    pk: int
    email: str = ""
    number: str = ""
    kind: str = ""
    is_primary: bool = False
    name: str = ""
    color: str = ""


def attach_related(contacts: list[Contact]) -> None:
    """Set email_rows, phone_rows and tag_rows as RELATED does, in one query.

    The emails, phones and tags of a page of contacts come back as one UNION ALL of three value
    queries: no model instances, no per-row related managers, and one round trip to the
    database instead of three.
    """
    ids = [c.pk for c in contacts]
    rows: dict[str, dict[int, list[Row]]] = {k: defaultdict(list) for k in ("e", "p", "t")}
    if ids:
        for kind, contact_id, pk, text, extra, primary in _related_rows(ids):
            if kind == "e":
                rows[kind][contact_id].append(Row(pk, email=text, is_primary=primary))
            elif kind == "p":
                rows[kind][contact_id].append(Row(pk, number=text, kind=extra, is_primary=primary))
            else:
                rows[kind][contact_id].append(Row(pk, name=text, color=extra))
    for contact in contacts:
        contact.email_rows = rows["e"][contact.pk]  # type: ignore[attr-defined]
        contact.phone_rows = rows["p"][contact.pk]  # type: ignore[attr-defined]
        contact.tag_rows = rows["t"][contact.pk]  # type: ignore[attr-defined]


def _related_rows(ids: list[int]) -> Iterable[tuple[str, int, int, str, str, bool]]:
    """(kind, contact id, row id, text, extra, is_primary) of emails "e", phones "p", tags "t"."""
    text, flag = models.CharField(), models.BooleanField()
    emails = ContactEmail.objects.filter(contact_id__in=ids).values_list(
        Value("e", text), "contact_id", "pk", "email", Value("", text), "is_primary"
    )
    phones = ContactPhone.objects.filter(contact_id__in=ids).values_list(
        Value("p", text), "contact_id", "pk", "number", "kind", "is_primary"
    )
    tags = Contact.tags.through.objects.filter(contact_id__in=ids).values_list(
        Value("t", text), "contact_id", "tag_id", "tag__name", "tag__color", Value(False, flag)
    )
    return emails.union(phones, tags, all=True)


def contact_names(principal: Principal, contact_ids: Iterable[int | None]) -> dict[int, str]:
    """{id: name} of the visible contacts among `contact_ids` (for links on other pages)."""
    wanted = {i for i in contact_ids if i}
    if not wanted:
        return {}
    rows = visible_contacts(principal).filter(pk__in=wanted)
    return {c.pk: str(c) for c in rows.only("first_name", "last_name", "primary_email")}


def find_contacts_by_email(
    principal: Principal, emails: list[str], limit: int = 5
) -> list[Contact]:
    """Visible contacts holding any of `emails` (lower-cased), for duplicate warnings."""
    wanted = {e.strip().lower() for e in emails if e.strip()}
    if not wanted:
        return []
    qs = visible_contacts(principal).filter(emails__email__in=wanted).distinct()
    return list(qs.order_by("pk")[:limit])


def past_companies(principal: Principal, contact: Contact) -> list[PastCompany]:
    """Companies the contact worked for before, newest first (only companies still visible)."""
    visible_ids = visible(principal, Company.objects.all(), "company").values("pk")
    rows = PastCompany.objects.filter(contact=contact, company_id__in=visible_ids)
    return list(rows.select_related("company").order_by("-ended_on", "-pk")[:20])
