"""The frozen copy of what a quote offers, taken from its deal when it is created or revised.

A plain JSON dict (amounts as strings with two decimals), stored on the quote and read by its
page, email and PDF, so nothing the customer was shown ever changes afterwards:

    {"seller": {"name", "contact", "email"},
     "company": {"name", "street", "city", "region", "postal_code", "country"} | None,
     "contact": {"name", "job_title", "email", "street", ...} | None,
     "currency": "EUR",
     "items": [{"sku", "name", "description", "quantity", "unit", "unit_price",
                "discount_percent", "tax_rate", "net", "tax", "total"}],
     "subtotal", "taxes": [{"rate", "net", "tax"}], "tax", "total"}

The deal's name is left out on purpose: it is an internal label, not something to show the
customer. The company and contact are those the quote's author may view.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.permissions import Principal, visible
from rapport.deals.line_amounts import Totals, line_amounts, totals
from rapport.deals.models import Deal, LineItem
from rapport.workspaces.models import User, Workspace

ADDRESS = ("street", "city", "region", "postal_code", "country")


def _quantity(value: Decimal) -> str:
    """4 decimals as stored, shown without trailing zeros: "3", "1.5"."""
    return format(value.normalize(), "f")


def _company(principal: Principal, deal: Deal) -> dict[str, Any] | None:
    if deal.company_id is None:
        return None
    company = visible(principal, Company.objects.all(), "company").filter(pk=deal.company_id)
    found = company.first()
    if found is None:
        return None
    return {"name": found.name, **{name: getattr(found, name) for name in ADDRESS}}


def primary_contact(principal: Principal, deal: Deal) -> Contact | None:
    """The deal's primary contact, when the principal may view it."""
    link = deal.deal_contacts.filter(is_primary=True).first()
    if link is None:
        return None
    contacts = visible(principal, Contact.objects.all(), "contact")
    return contacts.filter(pk=link.contact_id).first()


def _contact(principal: Principal, deal: Deal) -> dict[str, Any] | None:
    contact = primary_contact(principal, deal)
    if contact is None:
        return None
    return {
        "name": str(contact),
        "job_title": contact.job_title,
        "email": contact.primary_email,
        **{name: getattr(contact, name) for name in ADDRESS},
    }


def _item(line: LineItem) -> dict[str, Any]:
    amounts = line_amounts(line.quantity, line.unit_price, line.discount_percent, line.tax_rate)
    product = line.product
    return {
        "sku": product.sku if product else "",
        "name": line.name,
        "description": line.description,
        "quantity": _quantity(line.quantity),
        "unit": product.unit if product else "",
        "unit_price": str(line.unit_price),
        "discount_percent": str(line.discount_percent),
        "tax_rate": str(line.tax_rate),
        "net": str(amounts.net),
        "tax": str(amounts.tax),
        "total": str(amounts.total),
    }


def totals_of(lines: list[LineItem]) -> Totals:
    return totals(
        (li.tax_rate, line_amounts(li.quantity, li.unit_price, li.discount_percent, li.tax_rate))
        for li in lines
    )


def take_offer(
    principal: Principal, deal: Deal, lines: list[LineItem], workspace: Workspace
) -> dict[str, Any]:
    """The frozen copy of the deal's offer as it stands now (see the module docstring)."""
    owner = User.objects.filter(pk=deal.owner_id).first() if deal.owner_id else None
    sums = totals_of(lines)
    return {
        "seller": {
            "name": workspace.name,
            "contact": owner.full_name if owner else "",
            "email": owner.email if owner else "",
        },
        "company": _company(principal, deal),
        "contact": _contact(principal, deal),
        "currency": deal.currency,
        "items": [_item(line) for line in lines],
        "subtotal": str(sums.subtotal),
        "taxes": [{"rate": str(t.rate), "net": str(t.net), "tax": str(t.tax)} for t in sums.taxes],
        "tax": str(sums.tax),
        "total": str(sums.total),
    }
