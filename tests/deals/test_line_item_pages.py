"""The Products panel of a deal's page: add a product by SKU or name, change, move and remove
lines, choose the price book; errors come back beside the line with what was typed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rapport.deals.models import Deal, LineItem
from rapport.deals.services import create_deal
from tests.conftest import make_member
from tests.page_clients import owner_client, signed_in
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db


def _names(deal: Deal) -> list[tuple[str, Decimal]]:
    rows = LineItem.objects.filter(deal=deal).order_by("position")
    return list(rows.values_list("name", "quantity"))


def test_products_are_added_changed_moved_and_removed(owner, workspace) -> None:
    make_product(
        owner, sku="SEAT-PRO", name="Pro seat", prices=[{"currency": "EUR", "unit_price": "120"}]
    )
    make_product(
        owner, sku="ONB", name="Onboarding", prices=[{"currency": "EUR", "unit_price": "900"}]
    )
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    client = owner_client(workspace)
    options = client.get("/deals/product-options?product=seat").content.decode()
    assert '<option value="SEAT-PRO — Pro seat">' in options
    url = f"/deals/{deal.pk}/line-items"
    added = client.post(url, {"version": "1", "product": "SEAT-PRO — Pro seat", "quantity": "3"})
    assert added.status_code == 200
    assert added["HX-Trigger"] == "record-changed"
    assert "€360.00" in added.content.decode()
    client.post(url, {"version": "2", "product": "onb", "discount_percent": "10"})
    assert _names(deal) == [("Pro seat", Decimal("3.0000")), ("Onboarding", Decimal("1.0000"))]
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("1170.00")

    seat, onboarding = LineItem.objects.filter(deal=deal).order_by("position")
    bad = client.post(f"{url}/{seat.pk}", {"version": "3", "action": "save", "name": "Pro seat",
                                           "quantity": "-2", "unit_price": "120.00"})  # fmt: skip
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Enter a quantity above 0." in html and 'value="-2"' in html
    client.post(f"{url}/{seat.pk}", {"version": "3", "action": "save", "name": "Seats",
                                     "quantity": "5", "unit_price": "100"})  # fmt: skip
    client.post(f"{url}/{onboarding.pk}", {"version": "4", "action": "up"})
    assert _names(deal) == [("Onboarding", Decimal("1.0000")), ("Seats", Decimal("5.0000"))]
    stale = client.post(f"{url}/{seat.pk}", {"version": "3", "action": "remove"})
    assert stale.status_code == 409
    assert "Someone changed this deal meanwhile" in stale.content.decode()
    client.post(f"{url}/{seat.pk}", {"version": "5", "action": "remove"})
    assert _names(deal) == [("Onboarding", Decimal("1.0000"))]
    assert Deal.objects.get(pk=deal.pk).amount == Decimal("810.00")

    unknown = client.post(url, {"version": "6", "product": "nothing like it", "quantity": "7"})
    assert unknown.status_code == 422
    assert "No active product matches. Pick one from the suggestions." in unknown.content.decode()
    assert 'value="nothing like it"' in unknown.content.decode()


def test_the_price_book_prices_new_lines_and_the_amount_is_read_only(owner, workspace) -> None:
    seat = make_product(owner, sku="SEAT", prices=[{"currency": "EUR", "unit_price": "120"}])
    book = make_price_book(owner, [(seat, "EUR", "80.00")], name="Partner prices")
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    client = owner_client(workspace)
    chosen = client.post(f"/deals/{deal.pk}/price-book", {"version": "1", "price_book_id": book.pk})
    assert chosen.status_code == 200
    assert f'<option value="{book.pk}" selected>Partner prices</option>' in chosen.content.decode()
    client.post(f"/deals/{deal.pk}/line-items", {"version": "2", "product": "SEAT"})
    assert LineItem.objects.get(deal=deal).unit_price == Decimal("80.00")
    page = client.get(f"/deals/{deal.pk}").content.decode()
    assert "Amount (sum of the line items, before tax)" in page
    assert f'hx-get="/deals/{deal.pk}/fields/amount/edit"' not in page


def test_a_rep_sees_but_cannot_change_someone_elses_lines(owner, workspace) -> None:
    make_product(owner, sku="SEAT", prices=[{"currency": "EUR", "unit_price": "120"}])
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    owner_client(workspace).post(
        f"/deals/{deal.pk}/line-items", {"version": "1", "product": "SEAT"}
    )
    rep, _ = make_member(workspace, "sales_rep")
    client = signed_in(rep)
    page = client.get(f"/deals/{deal.pk}").content.decode()
    assert "Add product" not in page and "€120.00" in page
    before = list(LineItem.objects.values())
    response = client.post(f"/deals/{deal.pk}/line-items", {"version": "2", "product": "SEAT"})
    assert response.status_code == 403
    assert list(LineItem.objects.values()) == before
