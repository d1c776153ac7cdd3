"""What makes a contact or a company findable: the search entry of each record type.

The contacts and companies services call `index_record(**contact_entry(contact))` (or
`company_entry`) after every create, update and restore, and `remove_record` on soft delete;
`rebuild_index` calls the same functions in bulk, so a record is indexed one way only.
Load `emails` and `phones` (contacts) or `domains` (companies) with prefetch_related when
indexing many records.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from rapport.companies.models import Company
from rapport.contacts.models import Contact


def phone_digits(number: str) -> str:
    return "".join(ch for ch in number if ch.isdigit())


def phone_terms(number: str) -> list[str]:
    """A phone number as stored (E.164) and as digits only, so "5550100" finds "+1 555 0100"."""
    return [number, phone_digits(number)] if number else []


def website_host(url: str) -> str:
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    return host.removeprefix("www.")


def contact_entry(contact: Contact) -> dict[str, Any]:
    """The keyword arguments of `index_record` for a contact."""
    emails = [e.email for e in contact.emails.all()]
    if contact.primary_email and contact.primary_email not in emails:
        emails.insert(0, contact.primary_email)
    terms = [contact.first_name, contact.last_name, *emails]
    for phone in contact.phones.all():
        terms += phone_terms(phone.number)
    return {
        "workspace_id": contact.workspace_id,
        "object_type": "contact",
        "object_id": contact.pk,
        "title": str(contact),
        "subtitle": contact.primary_email or (emails[0] if emails else contact.job_title),
        "terms": terms,
        "owner_id": contact.owner_id,
    }


def company_entry(company: Company) -> dict[str, Any]:
    """The keyword arguments of `index_record` for a company."""
    domains = [d.domain for d in company.domains.all()]
    host = website_host(company.website) if company.website else ""
    terms = [company.name, *domains, host, *phone_terms(company.phone)]
    return {
        "workspace_id": company.workspace_id,
        "object_type": "company",
        "object_id": company.pk,
        "title": company.name,
        "subtitle": domains[0] if domains else host,
        "terms": terms,
        "owner_id": company.owner_id,
    }
