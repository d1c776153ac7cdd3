"""Reads other apps rely on: resolved prices, the picker's search, and the keyset list."""

from __future__ import annotations

import decimal
from typing import Any

import pytest

from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid, NotFound
from rapport.products.queries import (
    list_products,
    price_for,
    prices_for,
    resolve_price,
    search_products,
)
from rapport.products.services import delete_price_book, delete_product, update_product
from tests.conftest import make_member, make_workspace, owner_principal
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db
D = decimal.Decimal


def _params(**overrides: Any) -> ListParams:
    fields = {"filter": [], "sort": None, "limit": 50, "cursor": None, "fields": None}
    return ListParams(**(fields | overrides))


def _catalogue(owner: Any) -> tuple[Any, Any, Any, Any]:
    """Alpha (EUR 100, USD 110), Beta (EUR 200), Gamma (no prices), and a book pricing Alpha
    in EUR and Gamma in USD."""
    alpha = make_product(
        owner,
        prices=[{"currency": "EUR", "unit_price": "100"}, {"currency": "USD", "unit_price": "110"}],
    )
    beta = make_product(owner, prices=[{"currency": "EUR", "unit_price": "200"}])
    gamma = make_product(owner, prices=[])
    book = make_price_book(owner, [(alpha, "EUR", "80"), (gamma, "USD", "5")])
    return alpha, beta, gamma, book


def test_price_for_prefers_the_book_then_the_list_price(owner: Any) -> None:
    alpha, beta, gamma, book = _catalogue(owner)
    ws = owner.workspace_id
    assert price_for(ws, alpha.pk, "EUR") == D("100.00")
    assert price_for(ws, alpha.pk, "EUR", book.pk) == D("80.00")
    assert price_for(ws, alpha.pk, "USD", book.pk) == D("110.00")  # the book has no USD price
    assert price_for(ws, beta.pk, "EUR", book.pk) == D("200.00")
    assert price_for(ws, gamma.pk, "USD", book.pk) == D("5.00")
    assert price_for(ws, gamma.pk, "EUR", book.pk) is None
    assert price_for(ws, beta.pk, "GBP") is None
    assert price_for(ws, alpha.pk, "eur") == D("100.00")


def test_prices_for_takes_two_queries_at_most(owner: Any, django_assert_num_queries: Any) -> None:
    alpha, beta, gamma, book = _catalogue(owner)
    ids = [alpha.pk, beta.pk, gamma.pk]
    with django_assert_num_queries(2):
        found = prices_for(owner.workspace_id, ids, "EUR", book.pk)
    assert found == {alpha.pk: D("80.00"), beta.pk: D("200.00")}
    with django_assert_num_queries(1):
        assert prices_for(owner.workspace_id, ids, "USD") == {alpha.pk: D("110.00")}
    with django_assert_num_queries(1):  # the book prices all of them: no second query
        assert prices_for(owner.workspace_id, [alpha.pk], "EUR", book.pk) == {alpha.pk: D("80.00")}
    with django_assert_num_queries(0):
        assert prices_for(owner.workspace_id, [], "EUR", book.pk) == {}


def test_deleted_books_and_products_and_other_workspaces_price_nothing(owner: Any) -> None:
    alpha, beta, _, book = _catalogue(owner)
    ws = owner.workspace_id
    assert price_for(make_workspace("Globex").pk, alpha.pk, "EUR") is None
    theirs = owner_principal(make_workspace("Initech"))
    their_book = make_price_book(theirs)
    assert price_for(ws, alpha.pk, "EUR", their_book.pk) == D("100.00")  # not their entries
    delete_price_book(owner, book.pk)
    assert price_for(ws, alpha.pk, "EUR", book.pk) == D("100.00")
    delete_product(owner, beta.pk)
    assert price_for(ws, beta.pk, "EUR") is None


def test_inactive_products_keep_their_price(owner: Any) -> None:
    alpha, _, _, book = _catalogue(owner)
    update_product(owner, alpha.pk, {"is_active": False})
    assert price_for(owner.workspace_id, alpha.pk, "EUR", book.pk) == D("80.00")


def test_resolve_price_checks_the_caller_may_see_product_and_book(
    owner: Any, workspace: Any
) -> None:
    alpha, _, _, book = _catalogue(owner)
    _, rep = make_member(workspace, "sales_rep")
    found = resolve_price(rep, alpha.pk, "eur", book.pk)
    assert (found.unit_price, found.source) == (D("80.00"), "price_book")
    assert resolve_price(rep, alpha.pk, "USD", book.pk).source == "list_price"
    assert resolve_price(rep, alpha.pk, "JPY").unit_price is None
    with pytest.raises(Invalid):
        resolve_price(rep, alpha.pk, "EURO")
    stranger = owner_principal(make_workspace("Globex"))
    with pytest.raises(NotFound):
        resolve_price(stranger, alpha.pk, "EUR")
    with pytest.raises(NotFound):
        resolve_price(owner, alpha.pk, "EUR", make_price_book(stranger).pk)


def test_search_ranks_the_sku_then_starts_with_then_contains(owner: Any) -> None:
    contains = make_product(owner, sku="X-9", name="Premium support")
    name_starts = make_product(owner, sku="Z-1", name="Support plan")
    sku_starts = make_product(owner, sku="SUP-200", name="Zeta")
    exact = make_product(owner, sku="sup", name="Yankee")
    inactive = make_product(owner, sku="SUP-9", name="Old support", is_active=False)
    make_product(owner, sku="OTHER", name="Consulting")
    make_product(owner_principal(make_workspace("Globex")), sku="SUP", name="Support")
    found = search_products(owner, " SUP ")
    assert [p.pk for p in found] == [exact.pk, sku_starts.pk, name_starts.pk, contains.pk]
    everything = search_products(owner, "sup", active_only=False)
    assert inactive.pk in [p.pk for p in everything]
    assert [p.pk for p in search_products(owner, "sup", limit=2)] == [exact.pk, sku_starts.pk]
    assert search_products(owner, "  ") == []
    assert search_products(owner, "100%") == []  # % is matched literally


def test_list_filters_searches_and_pages_by_name(owner: Any) -> None:
    a = make_product(owner, name="Alpha", category="Licences")
    b = make_product(owner, name="Beta", category="Services", is_active=False)
    c = make_product(owner, name="Gamma", category="Licences", sku="GAM-1")
    make_product(owner_principal(make_workspace("Globex")), name="Alpha elsewhere")
    first = list_products(owner, _params(limit=2))
    assert ([p.pk for p in first.items], first.total) == ([a.pk, b.pk], 3)
    rest = list_products(owner, _params(limit=2, cursor=first.next_cursor))
    assert ([p.pk for p in rest.items], rest.next_cursor) == ([c.pk], None)
    licences = list_products(owner, _params(filter=["category:eq:licences"]))
    assert [p.pk for p in licences.items] == [a.pk, c.pk]
    assert [p.pk for p in list_products(owner, _params(filter=["is_active:eq:false"])).items] == [
        b.pk
    ]
    assert [p.pk for p in list_products(owner, _params(), q="gam").items] == [c.pk]
    eur = list_products(owner, _params(filter=["currency:eq:EUR"]))
    assert [p.pk for p in eur.items] == [a.pk, b.pk, c.pk]  # one row each despite the join
    with pytest.raises(Invalid):
        list_products(owner, _params(filter=["owner_id:eq:1"]))
