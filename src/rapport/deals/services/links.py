"""The records a deal write links to: its company and its contacts with their roles."""

from __future__ import annotations

from typing import Any

from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal, visible
from rapport.deals.models import CONTACT_ROLES, DealContact


def company_id_of(principal: Principal, raw: Any) -> int | None:
    """The id of a company the principal may see; Invalid on `company_id` otherwise."""
    if raw is None:
        return None
    company = visible(principal, Company.objects.all(), "company").filter(pk=raw).first()
    if company is None:
        raise Invalid.on("company_id", "No such company.")
    return company.pk


def contact_links(principal: Principal, raw: Any) -> list[DealContact]:
    """Unsaved links of the contacts a write names, each visible, once, with a known role;
    one is primary (the first unless another says so). All problems are reported together."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > 100:
        raise Invalid.on("contacts", "Give a list of at most 100 contacts.")
    problems: list[FieldError] = []
    wanted = [item.get("contact_id") for item in raw if isinstance(item, dict)]
    seen = set(
        visible(principal, Contact.objects.all(), "contact")
        .filter(pk__in=[w for w in wanted if isinstance(w, int)])
        .values_list("pk", flat=True)
    )
    links: list[DealContact] = []
    for i, item in enumerate(raw):
        contact_id = item.get("contact_id") if isinstance(item, dict) else None
        role = item.get("role", "other") if isinstance(item, dict) else None
        if contact_id not in seen:
            problems.append(FieldError(("contacts", i, "contact_id"), "No such contact."))
        elif role not in CONTACT_ROLES:
            problems.append(
                FieldError(("contacts", i, "role"), f"Choose one of {', '.join(CONTACT_ROLES)}.")
            )
        elif any(link.contact_id == contact_id for link in links):
            problems.append(
                FieldError(("contacts", i, "contact_id"), "This contact is listed twice.")
            )
        else:
            links.append(
                DealContact(
                    contact_id=contact_id, role=role, is_primary=bool(item.get("is_primary"))
                )
            )
    if sum(link.is_primary for link in links) > 1:
        problems.append(FieldError(("contacts",), "Only one contact can be the primary one."))
    if problems:
        raise Invalid("Some contacts are not valid.", problems)
    if links and not any(link.is_primary for link in links):
        links[0].is_primary = True
    return links
