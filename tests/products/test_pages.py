"""Settings > Products: the list, the product form with its price rows, (de)activating,
deleting into the restore bin, and who may do what."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.products.models import PriceBook, PriceBookEntry, Product, ProductPrice
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in
from tests.products.factories import make_product

pytestmark = pytest.mark.django_db
URL = "/settings/products"
NEW = {
    "sku": "LIC-PRO",
    "name": "Pro licence",
    "category": "Licences",
    "unit": "seat",
    "tax_rate": "20",
    "description": "",
    "is_active": "on",
    "price_count": "2",
    "price-0-currency": "EUR",
    "price-0-unit_price": "120",
    "price-1-currency": "usd",
    "price-1-unit_price": "130.50",
}


def _state() -> tuple[list[Any], ...]:
    return (
        list(Product.objects.order_by("pk").values()),
        list(ProductPrice.objects.order_by("pk").values()),
        list(PriceBook.objects.order_by("pk").values()),
        list(PriceBookEntry.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _prices(product: Product) -> dict[str, str]:
    return {p.currency: str(p.unit_price) for p in product.prices.order_by("currency")}


def _row(html: str, product: Product) -> str:
    return html.split(f'<tr id="product-{product.pk}">', 1)[1].split("</tr>", 1)[0]


def test_list_shows_the_columns_escaped_in_fixed_queries(workspace: Any, owner: Any) -> None:
    product = make_product(
        owner,
        sku="LIC-<1>",
        name="<b>Pro</b>",
        category="Licences",
        tax_rate="20",
        prices=[{"currency": "USD", "unit_price": "130"}, {"currency": "EUR", "unit_price": "120"}],
    )
    make_product(owner_principal(make_workspace("Globex")), name="Elsewhere")
    client = owner_client(workspace)
    few = page_queries(client, URL)
    for n in range(9):
        make_product(owner, name=f"Product {n}", is_active=n != 3)
    html = client.get(URL).content.decode()
    row = _row(html, product)
    assert "<code>LIC-&lt;1&gt;</code>" in row and "&lt;b&gt;Pro&lt;/b&gt;" in row
    assert "<b>Pro" not in html and "Elsewhere" not in html
    assert '<td data-label="Category">Licences</td>' in row
    assert "EUR 120.00</span> · <span" in row and "USD 130.00" in row
    assert "20.00 %" in row and "badge-done" in row
    assert html.index("&lt;b&gt;Pro") < html.index("Product 0") < html.index("Product 8")
    assert "10 products" in html and "New product" in html
    assert page_queries(client, URL) == few


def test_search_and_filters_narrow_the_list(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, sku="AL-1", name="Alpha", category="Licences")
    beta = make_product(owner, sku="BE-1", name="Beta", category="Licences", is_active=False)
    gamma = make_product(owner, sku="GA-1", name="Gamma", category="Services")
    client = owner_client(workspace)

    def shown(query: dict[str, str]) -> list[int]:
        html = client.get(URL, query).content.decode()
        return [int(pk) for pk in re.findall(r'<tr id="product-(\d+)">', html)]

    assert shown({"q": "al-"}) == [alpha.pk]
    assert shown({"category": "Licences"}) == [alpha.pk, beta.pk]
    assert shown({"status": "inactive"}) == [beta.pk]
    assert shown({"status": "active", "category": "Services"}) == [gamma.pk]
    html = client.get(URL, {"q": "zzz"}).content.decode()
    assert "No products match" in html and 'href="/settings/products">Clear' in html
    assert '<option value="Services">Services</option>' in html  # the category filter


def test_load_more_brings_the_next_rows_keeping_the_filters(workspace: Any, owner: Any) -> None:
    products = [make_product(owner, name=f"P{n:02}", category="Licences") for n in range(52)]
    client = owner_client(workspace)
    html = client.get(URL, {"category": "Licences"}).content.decode()
    assert html.count('<tr id="product-') == 50
    more = re.search(r'hx-get="/settings/products\?([^"]+)"', html)
    assert more is not None and "category=Licences" in more.group(1)
    rows = client.get(
        f"{URL}?{more.group(1).replace('&amp;', '&')}", headers={"HX-Request": "true"}
    )
    fragment = rows.content.decode()
    assert "<html" not in fragment and "Load more" not in fragment
    found = re.findall(r'<tr id="product-(\d+)">', fragment)
    assert [int(pk) for pk in found] == [products[50].pk, products[51].pk]
    bad = client.get(URL, {"cursor": "nonsense"}).content.decode()
    assert "The cursor is not valid" in bad


def test_owner_creates_a_product_with_its_list_prices(workspace: Any) -> None:
    response = owner_client(workspace).post(f"{URL}/new", NEW)
    assert (response.status_code, response["Location"]) == (302, URL)
    product = Product.objects.get(workspace=workspace)
    assert (product.sku, product.name, product.category, str(product.tax_rate)) == (
        "LIC-PRO", "Pro licence", "Licences", "20.00",
    )  # fmt: skip
    assert _prices(product) == {"EUR": "120.00", "USD": "130.50"}


def test_add_and_remove_price_rows_keep_what_was_typed_and_save_nothing(workspace: Any) -> None:
    client = owner_client(workspace)
    added = client.post(f"{URL}/new", NEW | {"name": "<Draft>", "add_price": "1"})
    html = added.content.decode()
    assert added.status_code == 200 and 'value="&lt;Draft&gt;"' in html
    assert '<input type="hidden" name="price_count" value="3">' in html
    assert (
        'name="price-1-unit_price" value="130.50"' in html
        and 'name="price-2-currency" value=""' in html
    )
    assert 'class="error"' not in html  # nothing judged yet
    removed = client.post(f"{URL}/new", NEW | {"remove_price": "0"}).content.decode()
    assert '<input type="hidden" name="price_count" value="1">' in removed
    assert 'name="price-0-currency" value="usd"' in removed
    assert (
        'name="is_active" aria-describedby="id_is_active_helptext" id="id_is_active" checked'
        in removed
    )
    unchecked = {k: v for k, v in NEW.items() if k != "is_active"} | {"add_price": "1"}
    assert (
        " checked"
        not in client.post(f"{URL}/new", unchecked)
        .content.decode()
        .split('id="id_is_active"')[1][:10]
    )
    assert Product.objects.count() == 0


def test_errors_show_inline_on_fields_and_price_rows_keeping_the_input(workspace: Any) -> None:
    client = owner_client(workspace)
    data = NEW | {
        "tax_rate": "101",
        "price_count": "3",
        "price-0-unit_price": "-5",
        "price-1-currency": "US",
        "price-2-currency": "",
        "price-2-unit_price": "",  # a blank row is skipped
    }
    response = client.post(f"{URL}/new", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert '<p class="error" id="id_tax_rate_error">Enter a percentage from 0 to 100.</p>' in html
    assert '<p class="error" id="price-0-unit_price_error">Enter zero or more.</p>' in html
    currency_error = "Use a three-letter currency code like EUR."
    assert f'<p class="error" id="price-1-currency_error">{currency_error}</p>' in html
    assert 'name="price-0-unit_price" value="-5"' in html and 'value="101"' in html
    missing = client.post(f"{URL}/new", NEW | {"sku": "", "price-0-unit_price": "1.234"})
    html = missing.content.decode()
    assert missing.status_code == 422 and "This field is required." in html
    assert "Use at most 2 decimal places." in html  # the prices are judged too
    assert Product.objects.count() == 0


def test_a_taken_sku_is_shown_on_the_field(workspace: Any, owner: Any) -> None:
    make_product(owner, sku="lic-pro")
    response = owner_client(workspace).post(f"{URL}/new", NEW)
    assert response.status_code == 409
    assert "Another product has the SKU &#x27;LIC-PRO&#x27;." in response.content.decode()
    assert Product.objects.count() == 1


def test_owner_edits_and_a_stale_version_is_refused(workspace: Any, owner: Any) -> None:
    product = make_product(owner, sku="A-1", name="Alpha")
    client = owner_client(workspace)
    page = client.get(f"{URL}/{product.pk}").content.decode()
    assert 'name="price-0-unit_price" value="100.00"' in page and 'value="0.00"' in page
    data = NEW | {"sku": "A-1", "name": "Alpha 2", "version": "1", "price_count": "1"}
    assert client.post(f"{URL}/{product.pk}", data).status_code == 302
    product.refresh_from_db()
    assert (product.name, product.version, _prices(product)) == ("Alpha 2", 2, {"EUR": "120.00"})
    stale = client.post(f"{URL}/{product.pk}", data | {"name": "Alpha 3"})
    assert stale.status_code == 409
    assert "Someone changed this product meanwhile" in stale.content.decode()
    product.refresh_from_db()
    assert product.name == "Alpha 2"


def test_deactivate_and_activate_again(workspace: Any, owner: Any) -> None:
    product = make_product(owner)
    client = owner_client(workspace)
    assert ">Deactivate</button>" in client.get(f"{URL}/{product.pk}").content.decode()
    response = client.post(f"{URL}/{product.pk}/active", {"is_active": "false"})
    assert response["Location"] == f"{URL}/{product.pk}"
    assert Product.objects.get(pk=product.pk).is_active is False
    page = client.get(f"{URL}/{product.pk}").content.decode()
    assert ">Activate</button>" in page and '<span class="badge">Inactive</span>' in page
    client.post(f"{URL}/{product.pk}/active", {"is_active": "true"})
    assert Product.objects.get(pk=product.pk).is_active is True
    changes = AuditEntry.objects.filter(object_id=product.pk, action="update").order_by("pk")
    assert [e.changes for e in changes] == [
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_delete_asks_first_then_moves_to_the_restore_bin(workspace: Any, owner: Any) -> None:
    product = make_product(owner, name="Gone")
    client = owner_client(workspace)
    question = client.get(f"{URL}/{product.pk}/delete").content.decode()
    assert "Delete the product “Gone”?" in question and "restored for 30 days" in question
    assert client.post(f"{URL}/{product.pk}/delete")["Location"] == URL
    assert Product.objects.get(pk=product.pk).deleted_at is not None
    assert client.get(f"{URL}/{product.pk}").status_code == 404
    binned = client.get("/settings/restore-bin", {"type": "product"}).content.decode()
    assert f'<tr id="bin-product-{product.pk}">' in binned and "Delete permanently" in binned
    client.post(f"/settings/restore-bin/product/{product.pk}/restore")
    assert Product.objects.get(pk=product.pk).deleted_at is None
    client.post(f"{URL}/{product.pk}/delete")
    assert client.post(f"/settings/restore-bin/product/{product.pk}/erase").status_code == 302
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_read_only_member_sees_no_write_controls_and_is_refused(
    workspace: Any, owner: Any
) -> None:
    product = make_product(owner, name="Alpha")
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)
    listing = client.get(URL).content.decode()
    assert "Alpha" in listing and "New product" not in listing
    page = client.get(f"{URL}/{product.pk}").content.decode()
    for control in ("Save product", "Add price", "Deactivate", "Delete…", ">Remove<"):
        assert control not in page
    assert re.search(r'<input type="text" name="sku" value="[^"]*"[^>]* disabled', page)
    before = _state()
    assert client.get(f"{URL}/new").status_code == 403
    assert client.post(f"{URL}/new", NEW).status_code == 403
    assert client.post(f"{URL}/{product.pk}", NEW | {"version": "1"}).status_code == 403
    assert client.post(f"{URL}/{product.pk}", NEW | {"add_price": "1"}).status_code == 403
    assert client.post(f"{URL}/{product.pk}/active", {"is_active": "false"}).status_code == 403
    assert client.get(f"{URL}/{product.pk}/delete").status_code == 403
    assert client.post(f"{URL}/{product.pk}/delete").status_code == 403
    assert _state() == before


def test_a_manager_creates_and_deletes_but_does_not_erase(workspace: Any) -> None:
    manager, _ = make_member(workspace, "manager")
    client = signed_in(manager)
    assert "New product" in client.get(URL).content.decode()
    assert client.post(f"{URL}/new", NEW).status_code == 302
    product = Product.objects.get(workspace=workspace)
    assert client.post(f"{URL}/{product.pk}/delete").status_code == 302
    binned = client.get("/settings/restore-bin", {"type": "product"}).content.decode()
    assert "Delete permanently" not in binned
    assert client.post(f"/settings/restore-bin/product/{product.pk}/erase").status_code == 403
    assert Product.objects.filter(pk=product.pk).exists()


def test_another_workspaces_product_is_not_found(workspace: Any) -> None:
    theirs = make_product(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    before = _state()
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.post(f"{URL}/{theirs.pk}", NEW | {"version": "1"}).status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/active", {"is_active": "false"}).status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/delete").status_code == 404
    assert client.post(f"/settings/restore-bin/product/{theirs.pk}/restore").status_code == 404
    assert _state() == before


def test_settings_navigation_offers_the_section(workspace: Any) -> None:
    html = owner_client(workspace).get(URL).content.decode()
    assert '<a href="/settings/products" class="current" aria-current="page">' in html
