"""The catalogue in a real browser: every control named and nothing wider than a phone; a
product with two list prices; a price book priced with the picker and changed in place."""

from __future__ import annotations

import pytest

from rapport.products.models import PriceBookEntry, Product
from rapport.products.services import create_price_book, create_product, set_price_book_entries
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import UNNAMED_CONTROLS

pytestmark = pytest.mark.django_db(transaction=True)


def test_catalogue_pages_name_every_control_and_fit_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    product = create_product(
        owner,
        {
            "sku": "LIC-ENTERPRISE-ANNUAL-2027",
            "name": "Enterprise licence with a rather long name (annual)",
            "category": "Licences",
            "prices": [
                {"currency": "EUR", "unit_price": "1400"},
                {"currency": "USD", "unit_price": "1500"},
            ],
        },
    )
    book = create_price_book(owner, {"name": "Partner prices"})
    set_price_book_entries(
        owner, book.pk, [{"product_id": product.pk, "currency": "EUR", "unit_price": "1120"}]
    )
    pages = [
        "/settings/products", "/settings/products/new", f"/settings/products/{product.pk}",
        "/settings/products/price-books", f"/settings/products/price-books/{book.pk}",
        f"/settings/products/{product.pk}/delete",
    ]  # fmt: skip
    for width in (1280, 375):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        sign_in(page, admin.email, PASSWORD)
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate(UNNAMED_CONTROLS) == [], path
            assert page.locator("h1").count() == 1, path
            if width == 375:
                assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        context.close()


def test_add_a_product_and_price_it_in_a_book(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    create_product(owner, {"sku": "SRV-CONS", "name": "Consulting"})
    book = create_price_book(owner, {"name": "Partner prices"})
    manager, _ = make_member(workspace, "manager", email="max@northwind.example.com")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, manager.email, PASSWORD)

    page.goto("/settings/products/new")
    page.get_by_label("SKU").fill("LIC-PRO")
    page.locator("#id_name").fill("Pro licence")
    page.locator("#price-0-currency").fill("EUR")
    page.locator("#price-0-unit_price").fill("120")
    page.get_by_role("button", name="Add price").click()
    page.locator("#price-1-currency").fill("USD")  # a second row, the first kept
    assert page.locator("#price-0-unit_price").input_value() == "120"
    assert page.get_by_label("SKU").input_value() == "LIC-PRO"
    page.locator("#price-1-unit_price").fill("130.5")
    page.get_by_role("button", name="Create product").click()
    page.wait_for_url("**/settings/products")
    product = Product.objects.get(workspace=workspace, sku="LIC-PRO")
    assert {p.currency: str(p.unit_price) for p in product.prices.all()} == {
        "EUR": "120.00",
        "USD": "130.50",
    }

    page.goto(f"/settings/products/price-books/{book.pk}")
    page.get_by_label("Find a product").fill("lic-")
    page.locator(f'#id_product_id option[value="{product.pk}"][selected]').wait_for(
        state="attached"
    )
    page.locator("#id_currency").fill("EUR")
    page.locator("#id_unit_price").fill("99")
    page.get_by_role("button", name="Add price").click()
    page.get_by_text("Entry saved.").wait_for()
    entry = PriceBookEntry.objects.get(price_book=book)
    field = page.locator(f"#entry-{entry.pk}-price")
    field.fill("95.5")
    field.press("Enter")  # htmx swaps the row in place
    page.locator(f'#entry-{entry.pk}-price[value="95.50"]').wait_for(state="attached")
    entry.refresh_from_db()
    assert str(entry.unit_price) == "95.50"
    assert page.script_errors == []
