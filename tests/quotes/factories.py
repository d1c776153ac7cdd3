"""A deal ready to be quoted: company with an address, a primary contact with an email, and two
line items (one with a discount, both taxed), and its Quotes helper."""

from __future__ import annotations

from typing import Any

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.core.permissions import Principal
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, set_line_items
from rapport.products.models import Product
from rapport.workspaces.models import Workspace
from tests.conftest import owner_principal
from tests.products.factories import make_product


def _product(principal: Principal, sku: str, **fields: Any) -> Product:
    """The workspace's product with this SKU, made by its owner the first time."""
    found = Product.objects.filter(workspace_id=principal.workspace_id, sku=sku).first()
    if found is not None:
        return found
    catalogue = owner_principal(Workspace.objects.get(pk=principal.workspace_id))
    return make_product(catalogue, sku=sku, **fields)


def make_quotable_deal(principal: Principal, **deal_fields: Any) -> Deal:
    """Umbrella Health's deal: 10 seats at €120 less 10 % (20 % tax) and onboarding at
    €1,500 (0 % tax): subtotal €2,580.00, tax €216.00, total €2,796.00."""
    company = create_company(principal, {
        "name": "Umbrella Health", "street": "1 Raccoon Street", "city": "Lyon",
        "postal_code": "69001", "country": "FR",
    })  # fmt: skip
    contact = create_contact(principal, {
        "first_name": "Alice", "last_name": "Abernathy", "job_title": "Head of IT",
        "company_id": company.pk, "emails": [{"email": "alice@umbrella.example.com"}],
    })  # fmt: skip
    seats = _product(principal, sku="SEAT-PRO", name="Pro seat", tax_rate="20", unit="seat",
                     prices=[{"currency": "EUR", "unit_price": "120.00"}])  # fmt: skip
    onboarding = _product(principal, sku="ONB", name="Onboarding",
                          prices=[{"currency": "EUR", "unit_price": "1500.00"}])  # fmt: skip
    deal = create_deal(principal, {
        "name": "Umbrella: internal codename Nemesis", "currency": "EUR",
        "company_id": company.pk,
        "contacts": [{"contact_id": contact.pk, "role": "decision_maker", "is_primary": True}],
        **deal_fields,
    })  # fmt: skip
    return set_line_items(principal, deal.pk, [
        {"product_id": seats.pk, "quantity": 10, "discount_percent": "10"},
        {"product_id": onboarding.pk, "description": "Two days on site"},
    ])  # fmt: skip
