"""Settings > Products > Price books: the list, a book's details and entries (add with the
product picker, change a price in place, remove), and who may do what."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.products.models import PriceBook, PriceBookEntry
from rapport.products.services import set_price_book_entries
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db
URL = "/settings/products/price-books"
HTMX = {"HX-Request": "true"}


def _state() -> tuple[list[Any], ...]:
    return (
        list(PriceBook.objects.order_by("pk").values()),
        list(PriceBookEntry.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _entries(book: PriceBook) -> list[tuple[int, str, str]]:
    rows = book.entries.order_by("product_id", "currency")
    return [(e.product_id, e.currency, str(e.unit_price)) for e in rows]


def test_list_shows_books_by_name_in_fixed_queries(workspace: Any, owner: Any) -> None:
    make_price_book(owner, name="Zeta <deal>", description="Resellers")
    make_price_book(owner_principal(make_workspace("Globex")), name="Elsewhere")
    client = owner_client(workspace)
    few = page_queries(client, URL)
    for n in range(5):
        make_price_book(owner, name=f"Book {n}", is_active=n != 2)
    html = client.get(URL).content.decode()
    assert "Zeta &lt;deal&gt;" in html and "Resellers" in html and "Elsewhere" not in html
    assert html.index("Book 0") < html.index("Book 4") < html.index("Zeta")
    assert "6 price books" in html and "New price book" in html
    assert page_queries(client, URL) == few


def test_owner_creates_and_edits_a_book(workspace: Any) -> None:
    client = owner_client(workspace)
    created = client.post(f"{URL}/new", {"name": "Partner prices", "is_active": "on"})
    book = PriceBook.objects.get(workspace=workspace)
    assert created["Location"] == f"{URL}/{book.pk}"
    data = {"name": "Partner prices", "description": "Resellers", "version": "1"}
    assert client.post(f"{URL}/{book.pk}", data).status_code == 302
    book.refresh_from_db()
    assert (book.description, book.is_active, book.version) == ("Resellers", False, 2)
    stale = client.post(f"{URL}/{book.pk}", data | {"name": "Again"})
    assert stale.status_code == 409 and "Someone changed this price book" in stale.content.decode()
    taken = client.post(f"{URL}/new", {"name": "PARTNER prices"})
    assert taken.status_code == 409 and "already exists" in taken.content.decode()
    blank = client.post(f"{URL}/new", {"name": " "})
    assert blank.status_code == 422 and "This field is required." in blank.content.decode()
    assert PriceBook.objects.count() == 1


def test_book_page_lists_entries_and_adds_one_with_the_picker(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, sku="AL-1", name="Alpha")
    beta = make_product(owner, sku="BE-1", name="Beta")
    make_product(owner, sku="OLD-1", name="Old", is_active=False)
    book = make_price_book(owner, [(alpha, "EUR", "80")])
    client = owner_client(workspace)
    html = client.get(f"{URL}/{book.pk}").content.decode()
    assert f'<tr id="entry-{book.entries.get().pk}">' in html
    assert 'name="unit_price" value="80.00"' in html
    assert f'<option value="{beta.pk}">BE-1 · Beta</option>' in html and "OLD-1" not in html
    options = client.get("/settings/products/options", {"q": "be-"}, headers=HTMX).content.decode()
    assert options == (
        '<option value="">Choose a product</option>'
        f'<option value="{beta.pk}" selected>BE-1 · Beta</option>'
    )
    no_js = client.get(f"{URL}/{book.pk}", {"q": "beta"}).content.decode()  # the picker's form
    assert 'value="beta"' in no_js and "AL-1 · Alpha" not in no_js.split("id_product_id")[1]
    data = {"product_id": beta.pk, "currency": "usd", "unit_price": "45.5"}
    assert client.post(f"{URL}/{book.pk}/entries", data)["Location"] == f"{URL}/{book.pk}"
    assert _entries(book) == [(alpha.pk, "EUR", "80.00"), (beta.pk, "USD", "45.50")]


def test_adding_a_bad_entry_keeps_what_was_typed(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, sku="AL-1", name="Alpha")
    theirs = make_product(owner_principal(make_workspace("Globex")), sku="THEIRS")
    book = make_price_book(owner)
    client = owner_client(workspace)
    before = _state()
    bad = client.post(
        f"{URL}/{book.pk}/entries", {"product_id": alpha.pk, "currency": "EU", "unit_price": "-1"}
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Use a three-letter currency code like EUR." in html and "Enter zero or more." in html
    assert f'<option value="{alpha.pk}" selected>AL-1 · Alpha</option>' in html
    assert 'value="EU"' in html and 'value="-1"' in html
    foreign = client.post(
        f"{URL}/{book.pk}/entries", {"product_id": theirs.pk, "currency": "EUR", "unit_price": "1"}
    )
    assert foreign.status_code == 422
    assert f"No product {theirs.pk} in this workspace." in foreign.content.decode()
    assert "THEIRS" not in foreign.content.decode()
    missing = client.post(f"{URL}/{book.pk}/entries", {"currency": "EUR", "unit_price": "1"})
    assert "Choose a product." in missing.content.decode()
    assert _state() == before


def test_a_price_is_changed_in_place(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, name="Alpha")
    book = make_price_book(owner, [(alpha, "EUR", "80")])
    entry = book.entries.get()
    client = owner_client(workspace)
    url = f"{URL}/{book.pk}/entries/{entry.pk}"
    row = client.post(url, {"unit_price": "75.25"}, headers=HTMX)
    html = row.content.decode()
    assert row.status_code == 200 and html.strip().startswith(f'<tr id="entry-{entry.pk}">')
    assert 'name="unit_price" value="75.25"' in html
    bad = client.post(url, {"unit_price": "lots"}, headers=HTMX)
    assert bad.status_code == 422 and 'value="lots"' in bad.content.decode()
    assert "Enter a number." in bad.content.decode()
    plain = client.post(url, {"unit_price": "-3"})  # without htmx: the whole page
    assert plain.status_code == 422 and "Enter zero or more." in plain.content.decode()
    assert client.post(url, {"unit_price": "70"})["Location"] == f"{URL}/{book.pk}"
    assert _entries(book) == [(alpha.pk, "EUR", "70.00")]


def test_an_entry_is_removed(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, name="Alpha")
    book = make_price_book(owner, [(alpha, "EUR", "80"), (alpha, "USD", "90")])
    eur, usd = book.entries.get(currency="EUR"), book.entries.get(currency="USD")
    client = owner_client(workspace)
    html = client.get(f"{URL}/{book.pk}").content.decode()
    assert 'data-confirm="Remove the EUR price of Alpha from this book?"' in html
    removed = client.post(f"{URL}/{book.pk}/entries/{eur.pk}/remove", headers=HTMX)
    assert (removed.status_code, removed.content) == (200, b"")
    response = client.post(f"{URL}/{book.pk}/entries/{usd.pk}/remove")
    assert response["Location"] == f"{URL}/{book.pk}"
    assert _entries(book) == []
    assert client.post(f"{URL}/{book.pk}/entries/{usd.pk}/remove").status_code == 404


def test_entries_load_more_in_pages_of_a_hundred(workspace: Any, owner: Any) -> None:
    products = [make_product(owner, name=f"P{n:03}") for n in range(101)]
    book = make_price_book(owner, [(p, "EUR", "1") for p in products])
    client = owner_client(workspace)
    html = client.get(f"{URL}/{book.pk}").content.decode()
    assert html.count('<tr id="entry-') == 100 and "101 prices" in html
    more = re.search(rf'hx-get="({URL}/{book.pk}\?cursor=[^"]+)"', html)
    assert more is not None
    fragment = client.get(more.group(1), headers=HTMX).content.decode()
    assert "<html" not in fragment
    assert re.findall(r'<tr id="entry-(\d+)">', fragment) == [
        str(book.entries.get(product=products[100]).pk)
    ]


def test_deleting_a_book_asks_first(workspace: Any, owner: Any) -> None:
    book = make_price_book(owner, name="EDU 2027")
    client = owner_client(workspace)
    assert (
        "Delete the price book “EDU 2027”?"
        in client.get(f"{URL}/{book.pk}/delete").content.decode()
    )
    assert client.post(f"{URL}/{book.pk}/delete")["Location"] == URL
    assert PriceBook.objects.get(pk=book.pk).deleted_at is not None
    assert client.get(f"{URL}/{book.pk}").status_code == 404


def test_a_read_only_member_sees_no_write_controls_and_is_refused(
    workspace: Any, owner: Any
) -> None:
    alpha = make_product(owner, name="Alpha")
    book = make_price_book(owner, [(alpha, "EUR", "80")], name="Partner prices")
    entry = book.entries.get()
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)
    assert "New price book" not in client.get(URL).content.decode()
    page = client.get(f"{URL}/{book.pk}").content.decode()
    assert "Partner prices" in page and "80.00" in page
    for control in ("Save price book", "Add a price", "Delete…", ">Remove<", 'name="unit_price"'):
        assert control not in page
    before = _state()
    assert client.get(f"{URL}/new").status_code == 403
    assert client.post(f"{URL}/new", {"name": "Mine"}).status_code == 403
    assert client.post(f"{URL}/{book.pk}", {"name": "x", "version": "1"}).status_code == 403
    data = {"product_id": alpha.pk, "currency": "USD", "unit_price": "1"}
    assert client.post(f"{URL}/{book.pk}/entries", data).status_code == 403
    assert (
        client.post(f"{URL}/{book.pk}/entries/{entry.pk}", {"unit_price": "1"}).status_code == 403
    )
    assert client.post(f"{URL}/{book.pk}/entries/{entry.pk}/remove").status_code == 403
    assert client.post(f"{URL}/{book.pk}/delete").status_code == 403
    assert _state() == before


def test_a_manager_keeps_the_books(workspace: Any, owner: Any) -> None:
    alpha = make_product(owner, name="Alpha")
    manager, _ = make_member(workspace, "manager")
    client = signed_in(manager)
    client.post(f"{URL}/new", {"name": "EDU 2027", "is_active": "on"})
    book = PriceBook.objects.get(workspace=workspace)
    data = {"product_id": alpha.pk, "currency": "EUR", "unit_price": "60"}
    assert client.post(f"{URL}/{book.pk}/entries", data).status_code == 302
    assert "Delete…" in client.get(f"{URL}/{book.pk}").content.decode()
    assert _entries(book) == [(alpha.pk, "EUR", "60.00")]


def test_another_workspaces_book_is_not_found(workspace: Any) -> None:
    theirs = owner_principal(make_workspace("Globex"))
    product = make_product(theirs)
    book = make_price_book(theirs, [(product, "EUR", "1")])
    entry = book.entries.get()
    client = owner_client(workspace)
    before = _state()
    assert client.get(f"{URL}/{book.pk}").status_code == 404
    assert client.post(f"{URL}/{book.pk}", {"name": "x", "version": "1"}).status_code == 404
    data = {"product_id": product.pk, "currency": "USD", "unit_price": "1"}
    assert client.post(f"{URL}/{book.pk}/entries", data).status_code == 404
    assert (
        client.post(f"{URL}/{book.pk}/entries/{entry.pk}", {"unit_price": "2"}).status_code == 404
    )
    assert client.post(f"{URL}/{book.pk}/entries/{entry.pk}/remove").status_code == 404
    assert client.post(f"{URL}/{book.pk}/delete").status_code == 404
    assert _state() == before


def test_book_page_reads_its_entries_in_fixed_queries(workspace: Any, owner: Any) -> None:
    book = make_price_book(owner, [(make_product(owner), "EUR", "1")])
    client = owner_client(workspace)
    few = page_queries(client, f"{URL}/{book.pk}")
    products = [make_product(owner) for _ in range(8)]
    rows = [
        {"product_id": p.pk, "currency": c, "unit_price": "2"}
        for p in products
        for c in ("EUR", "USD")
    ]
    set_price_book_entries(owner, book.pk, rows)
    assert client.get(f"{URL}/{book.pk}").content.decode().count('<tr id="entry-') == 17
    assert page_queries(client, f"{URL}/{book.pk}") == few
