"""Reads about contacts."""

from __future__ import annotations

from django.db import models

from rapport.companies.queries import record_page
from rapport.contacts.models import Contact
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField

OBJECT_TYPE = "contact"
RELATED = ("emails", "phones", "tags")
FILTERS = {
    "first_name": FilterField("first_name"),
    "last_name": FilterField("last_name"),
    "job_title": FilterField("job_title"),
    "email": FilterField("emails__email", many=True),
    "primary_email": FilterField("primary_email"),
    "phone": FilterField("phones__number", many=True),
    "lifecycle_stage": FilterField("lifecycle_stage"),
    "lead_source": FilterField("lead_source"),
    "consent_status": FilterField("consent_status"),
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
    contact = visible_contacts(principal).prefetch_related(*RELATED).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound("contact not found")
    return contact


def list_contacts(
    principal: Principal, params: ListParams, custom_fields: list[CustomField]
) -> Page[Contact]:
    qs = visible_contacts(principal).prefetch_related(*RELATED)
    return record_page(qs, params, FILTERS, SORTS, custom_fields)
