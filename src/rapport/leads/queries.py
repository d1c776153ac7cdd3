"""Reads for converting leads: the companies a lead's email domains match, and conversions."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from rapport.companies.models import Company
from rapport.companies.queries import find_companies_by_domain
from rapport.contacts.models import LEAD_STAGES, Contact
from rapport.core.errors import NotFound
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.leads.models import LeadConversion

# Mailbox providers: an address there says nothing about the person's company.
FREE_MAIL_DOMAINS = frozenset(
    {
        "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "hotmail.co.uk", "live.com",
        "msn.com", "yahoo.com", "yahoo.co.uk", "yahoo.fr", "ymail.com", "icloud.com", "me.com",
        "mac.com", "aol.com", "gmx.de", "gmx.net", "gmx.com", "web.de", "t-online.de",
        "proton.me", "protonmail.com", "mail.com", "yandex.ru", "yandex.com", "mail.ru",
        "qq.com", "163.com", "126.com", "orange.fr", "free.fr", "libero.it", "zoho.com",
        "fastmail.com", "hey.com",
    }
)  # fmt: skip
OPEN_LEAD_STATUSES = ("new", "attempting_contact", "connected", "qualified")


@dataclass(frozen=True)
class CompanyChoice:
    """Where a conversion would put the lead: its company now, or the ones its domains match."""

    current: Company | None
    matches: list[Company]
    domains: list[str]  # the lead's business email domains


def business_domains(contact: Contact) -> list[str]:
    emails = contact.emails.order_by("-is_primary", "pk").values_list("email", flat=True)
    domains = [e.rpartition("@")[2].lower() for e in emails]
    return list(dict.fromkeys(d for d in domains if d and d not in FREE_MAIL_DOMAINS))


def company_choice(principal: Principal, contact: Contact) -> CompanyChoice:
    current = None
    if contact.company_id is not None:
        current = (
            visible(principal, Company.objects.all(), "company")
            .filter(pk=contact.company_id)
            .first()
        )
    domains = business_domains(contact)
    return CompanyChoice(current, find_companies_by_domain(principal, domains, limit=10), domains)


def conversions_of(principal: Principal, contact_id: int) -> QuerySet[LeadConversion]:
    """The contact's conversions, newest first (empty unless the contact is visible)."""
    contacts = visible(principal, Contact.objects.all(), "contact").filter(pk=contact_id)
    return LeadConversion.objects.filter(
        workspace_id=principal.workspace_id, contact__in=contacts
    ).order_by("-converted_at", "-pk")


def get_conversion(principal: Principal, conversion_id: int) -> LeadConversion:
    conversion = (
        LeadConversion.objects.filter(workspace_id=principal.workspace_id, pk=conversion_id)
        .select_related("contact")
        .first()
    )
    visible_contacts = visible(principal, Contact.objects.all(), "contact")
    if conversion is None or not visible_contacts.filter(pk=conversion.contact_id).exists():
        raise NotFound("conversion not found")
    return conversion


INBOX_TABS = {
    "open": "All open",
    "new": "New",
    "attempting_contact": "Attempting contact",
    "connected": "Connected",
    "qualified": "Qualified",
    "unqualified": "Unqualified",
}


def lead_inbox(
    principal: Principal, tab: str, mine: bool, cursor: str | None, limit: int = 50
) -> Page[Contact]:
    """Leads (contacts in the early lifecycle stages), newest first; `tab` picks a status
    ("open": every status but unqualified; "new" includes leads nobody has worked yet)."""
    qs = visible(principal, Contact.objects.all(), "contact").filter(
        lifecycle_stage__in=LEAD_STAGES
    )
    if tab == "new":
        qs = qs.filter(lead_status__in=("", "new"))
    elif tab in OPEN_LEAD_STATUSES or tab == "unqualified":
        qs = qs.filter(lead_status=tab)
    else:
        qs = qs.exclude(lead_status="unqualified")
    if mine:
        qs = qs.filter(owner_id=principal.user_id)
    qs = qs.select_related("company", "owner")
    return keyset_page(qs, parse_sort("-created_at", {"created_at"}, "-created_at"), limit, cursor)
