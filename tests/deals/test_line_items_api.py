"""GET and PUT /api/v1/deals/{id}/line-items, and the deal's amount and price book in the API."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.deals.models import LineItem
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db


def _deal(api: Any, **fields: Any) -> dict[str, Any]:
    response = api.post("/api/v1/deals", {"name": "Acme", "currency": "EUR", **fields})
    assert response.status_code == 201, response.content
    return response.json()


def test_put_replaces_the_lines_and_answers_with_their_amounts(api, owner) -> None:
    product = make_product(owner, sku="SEAT", name="Seat", tax_rate="20", prices=[
        {"currency": "EUR", "unit_price": "120.00"}
    ])  # fmt: skip
    book = make_price_book(owner, [(product, "EUR", "100.00")])
    deal = _deal(api, price_book_id=book.pk)
    url = f"/api/v1/deals/{deal['id']}/line-items"
    empty = api.get(url)
    assert (empty.status_code, empty["ETag"]) == (200, f'"{deal["id"]}-1"')
    assert empty.json() == {
        "deal_id": deal["id"], "currency": "EUR", "price_book_id": book.pk, "items": [],
        "subtotal": "0.00", "taxes": [], "tax": "0.00", "total": "0.00",
    }  # fmt: skip
    body = {"items": [
        {"product_id": product.pk, "quantity": 3, "discount_percent": "10"},
        {"name": "Set-up", "unit_price": "250", "tax_rate": "0"},
    ]}  # fmt: skip
    assert api.put(url, body).status_code == 428
    response = api.put(url, body, **{"If-Match": empty["ETag"]})
    assert (response.status_code, response["ETag"]) == (200, f'"{deal["id"]}-2"')
    first_id, second_id = LineItem.objects.filter(deal_id=deal["id"]).order_by("position")
    assert response.json()["items"] == [
        {"id": first_id.pk, "product_id": product.pk, "sku": "SEAT", "name": "Seat",
         "description": "", "quantity": "3.0000", "unit_price": "100.00",
         "discount_percent": "10.00", "tax_rate": "20.00", "net": "270.00", "tax": "54.00",
         "total": "324.00"},
        {"id": second_id.pk, "product_id": None, "sku": None, "name": "Set-up",
         "description": "", "quantity": "1.0000", "unit_price": "250.00",
         "discount_percent": "0.00", "tax_rate": "0.00", "net": "250.00", "tax": "0.00",
         "total": "250.00"},
    ]  # fmt: skip
    assert {k: v for k, v in response.json().items() if k != "items"} == {
        "deal_id": deal["id"], "currency": "EUR", "price_book_id": book.pk,
        "subtotal": "520.00",
        "taxes": [{"rate": "0.00", "net": "250.00", "tax": "0.00"},
                  {"rate": "20.00", "net": "270.00", "tax": "54.00"}],
        "tax": "54.00", "total": "574.00",
    }  # fmt: skip
    fetched = api.get(f"/api/v1/deals/{deal['id']}").json()
    assert (fetched["amount"], fetched["price_book_id"], fetched["version"]) == (
        "520.00",
        book.pk,
        2,
    )


def test_bad_lines_are_422_with_their_paths_and_a_set_amount_is_refused(api, owner) -> None:
    deal = _deal(api)
    url = f"/api/v1/deals/{deal['id']}/line-items"
    etag = {"If-Match": f'"{deal["id"]}-1"'}
    lines = [{"name": "A", "unit_price": 1}, {"name": "B", "unit_price": 1},
             {"name": "C", "quantity": "lots"}, {"nope": 1}]  # fmt: skip
    bad = api.put(url, {"items": lines}, **etag)
    assert bad.status_code == 422
    assert bad["Content-Type"] == "application/problem+json"
    assert [(e["loc"], e["type"]) for e in bad.json()["errors"]] == [
        (["items", 2, "quantity"], "decimal_parsing"),
        (["items", 3, "nope"], "extra_forbidden"),
    ]
    service = api.put(url, {"items": [{"name": "A"}, {"name": "B", "quantity": -1}]}, **etag)
    assert [e["loc"] for e in service.json()["errors"]] == [
        ["items", 0, "unit_price"],
        ["items", 1, "quantity"],
        ["items", 1, "unit_price"],
    ]
    assert api.put(url, {"items": [{"name": "A", "unit_price": 5}]}, **etag).status_code == 200
    patched = api.patch(f"/api/v1/deals/{deal['id']}", {"amount": "1"},
                        **{"If-Match": f'"{deal["id"]}-2"'})  # fmt: skip
    assert patched.status_code == 422
    assert patched.json()["errors"][0]["loc"] == ["amount"]
    assert "sum of its line items (before tax)" in patched.json()["errors"][0]["msg"]


def test_line_items_follow_the_deals_rights_and_workspace(api, owner, workspace) -> None:
    deal = _deal(api)
    url = f"/api/v1/deals/{deal['id']}/line-items"
    etag = {"If-Match": f'"{deal["id"]}-1"'}
    body = {"items": [{"name": "A", "unit_price": 5}]}
    _, rep = make_member(workspace, "sales_rep")
    _, reader = make_member(workspace, "read_only")
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    assert api_client_for(rep).get(url).status_code == 200
    assert api_client_for(rep).put(url, body, **etag).status_code == 403
    assert api_client_for(reader).put(url, body, **etag).status_code == 403
    assert api_client_for(owner, can_write=False).put(url, body, **etag).status_code == 403
    assert stranger.get(url).status_code == 404
    assert stranger.put(url, body, **etag).status_code == 404
    assert not LineItem.objects.exists()
