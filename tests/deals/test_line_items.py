"""A deal's line items through the service: defaults from the product and the price book,
rounding, the deal's amount kept equal to the nets, inactive products, rights and tenancy."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.line_amounts import line_amounts, totals
from rapport.deals.models import Deal, LineItem
from rapport.deals.services import create_deal, set_line_items, update_deal
from rapport.products.services import update_price_book, update_product
from tests.conftest import make_member, make_workspace, owner_principal
from tests.products.factories import make_price_book, make_product

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any], int, int]:
    return (
        list(Deal.objects.order_by("pk").values()),
        list(LineItem.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _lines(deal: Deal) -> list[tuple[Any, ...]]:
    rows = LineItem.objects.filter(deal=deal).order_by("position")
    return list(rows.values_list("name", "quantity", "unit_price", "discount_percent", "tax_rate"))


def test_rounding_is_half_up_per_line_for_net_then_tax() -> None:
    # 1 x 0.25 x (1 - 50 %) = 0.125 → 0.13 (half even would say 0.12); 0.13 x 50 % = 0.065 → 0.07
    half = line_amounts(Decimal("1"), Decimal("0.25"), Decimal("50"), Decimal("50"))
    assert (half.net, half.tax, half.total) == (Decimal("0.13"), Decimal("0.07"), Decimal("0.20"))
    # 3 x 0.35 x 0.9 = 0.945 → 0.95; 19 % of 0.95 = 0.1805 → 0.18
    odd = line_amounts(Decimal("3"), Decimal("0.35"), Decimal("10"), Decimal("19"))
    assert (odd.net, odd.tax) == (Decimal("0.95"), Decimal("0.18"))
    # 2.5 x 19.99 = 49.975 → 49.98; tax 7 % = 3.4986 → 3.50
    big = line_amounts(Decimal("2.5"), Decimal("19.99"), Decimal("0"), Decimal("7"))
    assert (big.net, big.tax) == (Decimal("49.98"), Decimal("3.50"))
    sums = totals([(Decimal("50"), half), (Decimal("19"), odd), (Decimal("19"), big)])
    assert sums.subtotal == Decimal("51.06")
    assert [(t.rate, t.net, t.tax) for t in sums.taxes] == [
        (Decimal("19"), Decimal("50.93"), Decimal("3.68")),
        (Decimal("50"), Decimal("0.13"), Decimal("0.07")),
    ]
    assert (sums.tax, sums.total) == (Decimal("3.75"), Decimal("54.81"))


def test_lines_take_the_products_name_tax_and_price_and_the_deal_gets_their_sum(owner) -> None:
    seats = make_product(owner, name="Seat licence", tax_rate="20", prices=[
        {"currency": "EUR", "unit_price": "120.00"}, {"currency": "USD", "unit_price": "130.00"},
    ])  # fmt: skip
    setup = make_product(
        owner, name="Onboarding", prices=[{"currency": "EUR", "unit_price": "999.99"}]
    )
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR", "amount": "5"})
    deal = set_line_items(owner, deal.pk, [
        {"product_id": seats.pk, "quantity": "12", "discount_percent": "12.5"},
        {"product_id": setup.pk},
        {"name": "Travel", "quantity": 2, "unit_price": "140.25"},
    ], expected_version=1)  # fmt: skip
    assert _lines(deal) == [
        ("Seat licence", Decimal("12.0000"), Decimal("120.00"), Decimal("12.50"), Decimal("20.00")),
        ("Onboarding", Decimal("1.0000"), Decimal("999.99"), Decimal("0.00"), Decimal("0.00")),
        ("Travel", Decimal("2.0000"), Decimal("140.25"), Decimal("0.00"), Decimal("0.00")),
    ]
    # 1260.00 + 999.99 + 280.50: the nets, before tax
    assert (deal.amount, deal.version) == (Decimal("2540.49"), 2)
    stored = Deal.objects.get(pk=deal.pk)
    assert (stored.amount, stored.version) == (Decimal("2540.49"), 2)


def test_the_price_book_gives_prices_and_a_product_it_lacks_keeps_its_list_price(owner) -> None:
    seats = make_product(owner, prices=[{"currency": "EUR", "unit_price": "120.00"}])
    other = make_product(owner, prices=[{"currency": "EUR", "unit_price": "50.00"}])
    book = make_price_book(owner, [(seats, "EUR", "99.00"), (seats, "USD", "1.00")])
    deal = create_deal(owner, {"name": "Partner", "currency": "EUR", "price_book_id": book.pk})
    assert deal.price_book_id == book.pk
    deal = set_line_items(
        owner, deal.pk, [{"product_id": seats.pk, "quantity": 3}, {"product_id": other.pk}]
    )
    assert [row[2] for row in _lines(deal)] == [Decimal("99.00"), Decimal("50.00")]
    assert deal.amount == Decimal("347.00")


def test_a_product_without_a_price_in_the_deals_currency_needs_one(owner) -> None:
    product = make_product(owner, name="Widget", prices=[{"currency": "USD", "unit_price": "5"}])
    deal = create_deal(owner, {"name": "Euro deal", "currency": "EUR"})
    with pytest.raises(Invalid) as exc:
        set_line_items(owner, deal.pk, [{"product_id": product.pk}])
    assert [(e.loc, e.msg) for e in exc.value.errors] == [
        (("items", 0, "unit_price"), "Widget has no price in EUR; enter a unit price.")
    ]
    deal = set_line_items(owner, deal.pk, [{"product_id": product.pk, "unit_price": "4.50"}])
    assert deal.amount == Decimal("4.50")


def test_every_bad_value_is_reported_with_its_path_and_nothing_changes(owner) -> None:
    product = make_product(owner)
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    before = _state()
    with pytest.raises(Invalid) as exc:
        set_line_items(owner, deal.pk, [
            {"product_id": product.pk},
            {"product_id": 999999},
            {"name": "Free", "unit_price": "1", "quantity": "0"},
            {"name": "", "unit_price": "1.001", "discount_percent": "101", "quantity": "1.00001"},
            {"name": "Free line without a price"},
            {"id": 123456, "name": "Ghost", "unit_price": "1"},
        ])  # fmt: skip
    assert [(e.loc, e.msg) for e in exc.value.errors] == [
        (("items", 1, "product_id"), "No such product."),
        (("items", 2, "quantity"), "Enter a quantity above 0."),
        (("items", 3, "quantity"), "Use at most 4 decimal places."),
        (("items", 3, "unit_price"), "Use at most 2 decimal places."),
        (("items", 3, "discount_percent"), "Enter a percentage from 0 to 100."),
        (("items", 3, "name"), "A line needs a name (or a product)."),
        (("items", 4, "unit_price"), "Enter a unit price."),
        (("items", 5, "id"), "No such line on this deal."),
    ]
    assert _state() == before


def test_while_a_deal_has_lines_its_amount_and_currency_are_theirs(owner) -> None:
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR", "amount": "10"})
    deal = set_line_items(owner, deal.pk, [{"name": "Work", "unit_price": "100", "quantity": 2}])
    with pytest.raises(Invalid) as exc:
        update_deal(owner, deal.pk, {"amount": "500", "currency": "USD"})
    assert [(e.loc, e.type) for e in exc.value.errors] == [
        (("amount",), "line_items"),
        (("currency",), "line_items"),
    ]
    assert exc.value.errors[0].msg.startswith("This deal's amount is the sum of its line items")
    assert "priced in EUR" in exc.value.errors[1].msg
    # Sending the amount it has changes nothing and is no error (clients send bodies back).
    assert update_deal(owner, deal.pk, {"amount": "200.00", "name": "Acme 2"}).name == "Acme 2"
    # With every line removed, the amount stays and is the user's again.
    deal = set_line_items(owner, deal.pk, [])
    assert deal.amount == Decimal("200.00")
    assert update_deal(owner, deal.pk, {"amount": "75", "currency": "USD"}).amount == Decimal("75")


def test_an_inactive_product_stays_on_its_line_but_cannot_be_added(owner) -> None:
    product = make_product(owner, name="Legacy plan")
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    deal = set_line_items(owner, deal.pk, [{"product_id": product.pk, "quantity": 2}])
    line = LineItem.objects.get(deal=deal)
    update_product(owner, product.pk, {"is_active": False})
    # Kept by its id (other fields left out keep their values): fine, and a change applies.
    deal = set_line_items(owner, deal.pk, [{"id": line.pk, "quantity": 3}])
    assert _lines(deal) == [
        ("Legacy plan", Decimal("3.0000"), Decimal("100.00"), Decimal("0.00"), Decimal("0.00"))
    ]
    assert deal.amount == Decimal("300.00")
    before = _state()
    with pytest.raises(Invalid) as exc:
        set_line_items(owner, deal.pk, [{"id": line.pk}, {"product_id": product.pk}])
    assert [(e.loc, e.msg) for e in exc.value.errors] == [
        (("items", 1, "product_id"), "Legacy plan is inactive; it cannot be added.")
    ]
    assert _state() == before


def test_a_line_write_is_one_audit_entry_and_one_deal_updated_event(owner) -> None:
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    set_line_items(owner, deal.pk, [{"name": "Work", "unit_price": "100", "quantity": "1.5"}])
    entry = AuditEntry.objects.filter(object_type="deal", object_id=deal.pk).latest("pk")
    line = {"product_id": None, "name": "Work", "description": "", "quantity": "1.5000",
            "unit_price": "100.00", "discount_percent": "0.00", "tax_rate": "0.00"}  # fmt: skip
    assert (entry.action, entry.changes) == (
        "update",
        {"amount": [None, "150.00"], "line_items": [[], [line]]},
    )
    event = OutboxEvent.objects.filter(name="deal.updated", object_id=deal.pk).get()
    assert event.payload["changes"]["amount"] == [None, "150.00"]
    assert event.payload["changes"]["line_items"] == [[], [line]]


def test_a_rep_cannot_change_the_lines_of_someone_elses_deal(workspace, owner) -> None:
    _, rep = make_member(workspace, "sales_rep")
    deal = create_deal(owner, {"name": "Owner's deal", "currency": "EUR"})
    set_line_items(owner, deal.pk, [{"name": "Work", "unit_price": "10"}])
    mine = create_deal(rep, {"name": "Rep's deal", "currency": "EUR"})
    before = _state()
    with pytest.raises(Forbidden):
        set_line_items(rep, deal.pk, [{"name": "Mine now", "unit_price": "1"}])
    with pytest.raises(PreconditionFailed):
        set_line_items(rep, mine.pk, [{"name": "Work", "unit_price": "10"}], expected_version=7)
    assert _state() == before


def test_another_workspace_cannot_see_or_use_the_deal_or_its_products(owner) -> None:
    deal = create_deal(owner, {"name": "Acme", "currency": "EUR"})
    stranger = owner_principal(make_workspace("Globex"))
    foreign = make_product(stranger)
    before = _state()
    with pytest.raises(NotFound):
        set_line_items(stranger, deal.pk, [{"name": "Work", "unit_price": "10"}])
    with pytest.raises(Invalid) as exc:
        set_line_items(owner, deal.pk, [{"product_id": foreign.pk}])
    assert exc.value.errors[0].loc == ("items", 0, "product_id")
    assert _state() == before


def test_an_inactive_or_foreign_price_book_is_refused(owner) -> None:
    book = make_price_book(owner)
    update_price_book(owner, book.pk, {"is_active": False})
    foreign = make_price_book(owner_principal(make_workspace("Globex")))
    for book_id, message in ((book.pk, f"The price book {book.name} is inactive."),
                             (foreign.pk, "No such price book.")):  # fmt: skip
        with pytest.raises(Invalid) as exc:
            create_deal(owner, {"name": "Acme", "price_book_id": book_id})
        assert [(e.loc, e.msg) for e in exc.value.errors] == [(("price_book_id",), message)]
