"""The money template filters: full amounts and the short form of board column totals."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template

pytestmark = pytest.mark.django_db  # the autouse cache fixture uses the database cache


def _render(text: str, **context: object) -> str:
    return Template("{% load money %}" + text).render(Context(context))


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234.5"), "EUR", "€1,234.50"),
        (Decimal("1234.5"), "USD", "$1,234.50"),
        (Decimal("1234.5"), "CHF", "CHF 1,234.50"),
        (Decimal("1234.5"), "chf", "CHF 1,234.50"),
        (Decimal("-1234.5"), "CHF", "-CHF 1,234.50"),
        (Decimal("1234.5"), "GBP", "£1,234.50"),
        (Decimal("1234.5"), "JPY", "¥1,234"),  # the yen has no minor unit
        (Decimal("1234.5"), "CAD", "CA$1,234.50"),
        (Decimal("0"), "EUR", "€0.00"),
        ("99.9", "EUR", "€99.90"),
        (12, "USD", "$12.00"),
        (None, "EUR", "—"),
        ("", "EUR", "—"),
        ("not a number", "EUR", "—"),
    ],
)
def test_money_shows_the_symbol_and_digits_of_the_currency(amount, currency, shown) -> None:
    assert _render("{{ amount|money:currency }}", amount=amount, currency=currency) == shown


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("1234567"), "EUR", "€1.2M"),
        (Decimal("350000"), "USD", "$350K"),
        (Decimal("1250000"), "CHF", "CHF 1.3M"),  # half up
        (Decimal("999999"), "EUR", "€1M"),  # not "€1000K"
        (Decimal("999.6"), "EUR", "€1K"),
        (Decimal("950.4"), "EUR", "€950"),
        (Decimal("1000"), "GBP", "£1K"),
        (Decimal("2500000000"), "USD", "$2.5B"),
        (Decimal("-42000"), "EUR", "-€42K"),
        (Decimal("0.3"), "EUR", "€0"),
        (None, "EUR", "—"),
    ],
)
def test_money_short_rounds_to_a_unit(amount, currency, shown) -> None:
    assert _render("{{ amount|money_short:currency }}", amount=amount, currency=currency) == shown


def test_rates_show_as_plain_digits() -> None:
    assert _render("{{ r|plain_number }}", r=Decimal("1.0850000000")) == "1.085"
    assert _render("{{ r|plain_number }}", r=Decimal("100.0000000000")) == "100"
