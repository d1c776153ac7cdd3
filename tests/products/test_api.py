"""/api/v1/products and /api/v1/price-books beyond the contract suite: prices, search, resolved
prices, the restore bin, entries, and bad input answered as 422 problem+json (never 500)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.products.models import PriceBookEntry, Product, ProductPrice
from rapport.products.services import delete_product
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def _state() -> tuple[list[Any], ...]:
    return (
        list(Product.objects.order_by("pk").values()),
        list(ProductPrice.objects.order_by("pk").values()),
        list(PriceBookEntry.objects.order_by("pk").values()),
        list(AuditEntry.objects.order_by("pk").values_list("pk", flat=True)),
    )


def _locs(response: Any) -> list[list[Any]]:
    assert (response.status_code, response["Content-Type"]) == (422, PROBLEM), response.content
    return [error["loc"] for error in response.json()["errors"]]


def test_create_answers_the_product_with_its_list_prices(api: Any) -> None:
    body = {
        "sku": "LIC-PRO",
        "name": "Pro licence",
        "description": "Per seat, per year.",
        "category": "Licences",
        "tax_rate": 19.5,
        "unit": "seat",
        "prices": [
            {"currency": "USD", "unit_price": 130.5},
            {"currency": "eur", "unit_price": "120"},
        ],
    }
    response = api.post("/api/v1/products", body)
    assert response.status_code == 201
    item = response.json()
    assert {k: v for k, v in item.items() if k not in {"id", "created_at", "updated_at"}} == {
        "sku": "LIC-PRO",
        "name": "Pro licence",
        "description": "Per seat, per year.",
        "category": "Licences",
        "tax_rate": "19.50",
        "is_active": True,
        "unit": "seat",
        "prices": [
            {"currency": "EUR", "unit_price": "120.00"},
            {"currency": "USD", "unit_price": "130.50"},
        ],
        "version": 1,
        "deleted_at": None,
    }


@pytest.mark.parametrize(
    ("body", "locs"),
    [
        ({"prices": [{"currency": "EUR", "unit_price": "-1"}]}, [["prices", 0, "unit_price"]]),
        ({"prices": [{"currency": "EUR", "unit_price": "1e20"}]}, [["prices", 0, "unit_price"]]),
        (
            {"prices": [{"currency": "EUR", "unit_price": "1e999999"}]},
            [["prices", 0, "unit_price"]],
        ),
        ({"prices": [{"currency": "EUR", "unit_price": 1e400}]}, [["prices", 0, "unit_price"]]),
        ({"prices": [{"currency": "EUR", "unit_price": "NaN"}]}, [["prices", 0, "unit_price"]]),
        ({"prices": [{"currency": "EUR", "unit_price": "12.345"}]}, [["prices", 0, "unit_price"]]),
        ({"prices": [{"currency": "EUR", "unit_price": "abc"}]}, [["prices", 0, "unit_price"]]),
        ({"prices": [{"currency": "EURO", "unit_price": "1"}]}, [["prices", 0, "currency"]]),
        ({"prices": [{"currency": "E1R", "unit_price": "1"}]}, [["prices", 0, "currency"]]),
        ({"prices": [{"currency": "EUR", "unit_price": "1", "x": 1}]}, [["prices", 0, "x"]]),
        ({"prices": [{"currency": "EUR"}]}, [["prices", 0, "unit_price"]]),
        ({"tax_rate": 101}, [["tax_rate"]]),
        ({"tax_rate": "-0.5"}, [["tax_rate"]]),
        ({"tax_rate": "1e999999"}, [["tax_rate"]]),
        ({"sku": "x" * 65}, [["sku"]]),
        ({"sku": "  "}, [["sku"]]),
        ({"is_active": None}, [["is_active"]]),
    ],
)
def test_bad_input_is_a_422_problem_and_saves_nothing(
    api: Any, body: dict[str, Any], locs: list[Any]
) -> None:
    before = _state()
    response = api.post("/api/v1/products", {"sku": "A-1", "name": "Alpha", **body})
    assert _locs(response) == locs
    assert _state() == before


def test_a_taken_sku_is_a_conflict_on_the_field(api: Any, owner: Any) -> None:
    make_product(owner, sku="LIC-1")
    response = api.post("/api/v1/products", {"sku": "lic-1", "name": "Again"})
    assert (response.status_code, response["Content-Type"]) == (409, PROBLEM)
    assert response.json()["errors"] == [
        {"loc": ["sku"], "msg": "Another product has the SKU 'lic-1'.", "type": "duplicate"}
    ]


def test_patch_replaces_prices_only_when_given(api: Any, owner: Any) -> None:
    product = make_product(owner)
    url = f"/api/v1/products/{product.pk}"
    patched = api.patch(url, {"tax_rate": "7.7"}, **{"If-Match": f'"{product.pk}-1"'})
    assert (patched.json()["tax_rate"], patched.json()["prices"]) == (
        "7.70",
        [{"currency": "EUR", "unit_price": "100.00"}],
    )
    body = {"prices": [{"currency": "CHF", "unit_price": "99.95"}]}
    patched = api.patch(url, body, **{"If-Match": patched["ETag"]})
    assert patched.json()["prices"] == [{"currency": "CHF", "unit_price": "99.95"}]
    assert patched["ETag"] == f'"{product.pk}-3"'


def test_list_takes_q_and_filters(api: Any, owner: Any) -> None:
    a = make_product(owner, name="Alpha", sku="AL-1", category="Licences")
    b = make_product(owner, name="Beta", sku="BE-1", category="Licences", is_active=False)
    c = make_product(owner, name="Gamma", sku="GA-1", category="Services")

    def ids(query: str) -> list[int]:
        return [item["id"] for item in api.get(f"/api/v1/products?{query}").json()["items"]]

    assert ids("q=al-") == [a.pk]
    assert ids("filter=category:eq:licences&filter=is_active:eq:true") == [a.pk]
    assert ids("sort=-sku&fields=sku") == [c.pk, b.pk, a.pk]
    assert _locs(api.get("/api/v1/products?filter=tax_rate:gt:abc")) == [["filter", "tax_rate"]]


def test_search_answers_the_best_matches_first(api: Any, owner: Any) -> None:
    later = make_product(owner, sku="X-1", name="Premium support")
    first = make_product(owner, sku="SUPPORT", name="Support")
    make_product(owner, sku="SUP-OLD", name="Old support", is_active=False)
    response = api.get("/api/v1/products/search?q=support")
    assert [item["id"] for item in response.json()["items"]] == [first.pk, later.pk]
    assert response.json()["items"][0]["prices"] == [{"currency": "EUR", "unit_price": "100.00"}]
    everything = api.get("/api/v1/products/search?q=support&active_only=false").json()["items"]
    assert len(everything) == 3
    assert api.get("/api/v1/products/search?q=support&limit=51").status_code == 422


def test_price_says_where_the_price_comes_from(api: Any, owner: Any) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "80")])
    url = f"/api/v1/products/{product.pk}/price"
    assert api.get(f"{url}?currency=eur&price_book={book.pk}").json() == {
        "product_id": product.pk,
        "currency": "EUR",
        "price_book_id": book.pk,
        "unit_price": "80.00",
        "source": "price_book",
    }
    assert api.get(f"{url}?currency=EUR").json()["source"] == "list_price"
    assert api.get(f"{url}?currency=USD").json() | {"product_id": 0} == {
        "product_id": 0,
        "currency": "USD",
        "price_book_id": None,
        "unit_price": None,
        "source": None,
    }
    assert _locs(api.get(f"{url}?currency=US")) == [["currency"]]
    assert _locs(api.get(url)) == [["currency"]]
    their_book = make_price_book(owner_principal(make_workspace("Globex")))
    assert api.get(f"{url}?currency=EUR&price_book={their_book.pk}").status_code == 404


def test_restore_bin_lists_restores_and_admins_erase(api: Any, owner: Any, workspace: Any) -> None:
    product = make_product(owner, name="Gone")
    assert api.delete(f"/api/v1/products/{product.pk}").status_code == 204
    listed = api.get("/api/v1/restore-bin?object_type=product").json()["items"]
    assert [(i["id"], i["title"]) for i in listed] == [(product.pk, f"Gone ({product.sku})")]
    restored = api.post(f"/api/v1/products/{product.pk}/restore")
    assert (restored.status_code, restored.json()["deleted_at"]) == (200, None)
    _, manager = make_member(workspace, "manager")
    assert (
        api_client_for(manager).delete(f"/api/v1/products/{product.pk}?hard=true").status_code
        == 403
    )
    assert api.delete(f"/api/v1/products/{product.pk}?hard=true").status_code == 204
    assert not Product.objects.filter(pk=product.pk).exists()


def test_a_product_history_is_readable_by_who_may_view_it(owner: Any, workspace: Any) -> None:
    product = make_product(owner)
    _, reader = make_member(workspace, "read_only")
    history = api_client_for(reader).get(
        f"/api/v1/audit?object_type=product&object_id={product.pk}"
    )
    assert [e["action"] for e in history.json()["items"]] == ["create"]


# --- Price book entries -------------------------------------------------------------------------


def test_entries_are_listed_by_product_name_and_keyset_paged(api: Any, owner: Any) -> None:
    zeta, alpha = make_product(owner, name="Zeta"), make_product(owner, name="Alpha")
    gone = make_product(owner, name="Gone")
    entries = [(zeta, "EUR", "9"), (alpha, "USD", "2"), (alpha, "EUR", "1"), (gone, "EUR", "3")]
    book = make_price_book(owner, entries)
    delete_product(owner, gone.pk)  # entries of products in the bin are not shown
    url = f"/api/v1/price-books/{book.pk}/entries"
    first = api.get(f"{url}?limit=2").json()
    assert [(i["product_name"], i["currency"], i["unit_price"]) for i in first["items"]] == [
        ("Alpha", "EUR", "1.00"),
        ("Alpha", "USD", "2.00"),
    ]
    assert first["total"] == 3
    rest = api.get(f"{url}?limit=2&cursor={first['next_cursor']}").json()
    assert [(i["sku"], i["currency"]) for i in rest["items"]] == [(zeta.sku, "EUR")]
    usd = api.get(f"{url}?filter=currency:eq:usd&fields=unit_price").json()["items"]
    assert usd == [{"id": book.entries.get(currency="USD").pk, "unit_price": "2.00"}]


def test_put_upserts_and_answers_the_entries(api: Any, owner: Any) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "90")])
    url = f"/api/v1/price-books/{book.pk}/entries"
    body = {
        "entries": [
            {"product_id": product.pk, "currency": "EUR", "unit_price": "85"},
            {"product_id": product.pk, "currency": "usd", "unit_price": 99.5},
        ]
    }
    response = api.put(url, body)
    assert response.status_code == 200
    assert [(i["currency"], i["unit_price"]) for i in response.json()["items"]] == [
        ("EUR", "85.00"),
        ("USD", "99.50"),
    ]
    assert book.entries.count() == 2
    before = _state()
    bad = api.put(
        url, {"entries": [{"product_id": product.pk, "currency": "EUR", "unit_price": -1}]}
    )
    assert _locs(bad) == [["entries", 0, "unit_price"]]
    bad = api.put(url, {"entries": [{"product_id": 0, "currency": "EUR", "unit_price": 1}]})
    assert _locs(bad) == [["entries", 0, "product_id"]]
    assert _locs(api.put(url, {"entries": [], "extra": 1})) == [["extra"]]
    assert _state() == before


def test_delete_takes_ids_in_the_body_or_the_query(api: Any, owner: Any) -> None:
    a, b, c = make_product(owner), make_product(owner), make_product(owner)
    book = make_price_book(owner, [(a, "EUR", "1"), (b, "EUR", "2"), (c, "EUR", "3")])
    ids = {e.product_id: e.pk for e in book.entries.all()}
    url = f"/api/v1/price-books/{book.pk}/entries"
    assert api._call("delete", url, {"ids": [ids[a.pk]]}).status_code == 204
    assert api.delete(f"{url}?ids={ids[b.pk]}&ids={ids[c.pk]}").status_code == 204
    assert book.entries.count() == 0
    before = _state()
    assert _locs(api.delete(url)) == [["ids"]]
    assert _locs(api.delete(f"{url}?ids=abc")) == [["ids", 0]]
    assert _locs(api.delete(f"{url}?ids={ids[a.pk]}")) == [["ids", 0]]  # already gone
    assert _locs(api._call("delete", url, {"ids": "1"})) == [["ids"]]
    assert _state() == before


def test_entries_of_another_workspace_or_without_the_right(
    api: Any, owner: Any, workspace: Any
) -> None:
    product = make_product(owner)
    book = make_price_book(owner, [(product, "EUR", "90")])
    url = f"/api/v1/price-books/{book.pk}/entries"
    entry_id = book.entries.get().pk
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    _, member = make_member(workspace, "read_only")
    reader = api_client_for(member)
    before = _state()
    assert stranger.get(url).status_code == 404
    body = {"entries": [{"product_id": product.pk, "currency": "EUR", "unit_price": 1}]}
    assert stranger.put(url, body).status_code == 404
    assert stranger.delete(f"{url}?ids={entry_id}").status_code == 404
    assert reader.get(url).status_code == 200
    assert reader.put(url, body).status_code == 403
    assert reader.delete(f"{url}?ids={entry_id}").status_code == 403
    assert _state() == before
