"""Conversion for other apps: RateTable, convert_sum and convert_to_base, with exact values."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rapport.currencies.queries import MoneySum, RateTable, convert_sum, convert_to_base
from rapport.currencies.services import create_exchange_rate
from tests.conftest import make_workspace, owner_principal

pytestmark = pytest.mark.django_db

JAN1, FEB1, MAR1 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


@pytest.fixture
def rates(owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.10")
    create_exchange_rate(owner, "EUR", MAR1, "1.20")
    create_exchange_rate(owner, "GBP", FEB1, "1.2512345678")


def test_rate_is_the_latest_on_or_before_the_date_else_the_earliest(workspace, rates) -> None:
    table = RateTable.load(workspace.pk)
    assert table.base == "USD"
    assert table.rate("EUR", dt.date(2024, 6, 30)) == Decimal("1.1")  # before the first: first
    assert table.rate("EUR", JAN1) == Decimal("1.1")
    assert table.rate("EUR", dt.date(2025, 2, 28)) == Decimal("1.1")
    assert table.rate("EUR", MAR1) == Decimal("1.2")
    assert table.rate("eur", dt.date(2030, 1, 1)) == Decimal("1.2")
    assert table.rate("USD", JAN1) == Decimal(1)
    assert table.rate("CHF", JAN1) is None
    used = table.rate_used("GBP", MAR1)
    assert used is not None and (used.rate, used.rate_on) == (Decimal("1.2512345678"), FEB1)


def test_convert_rounds_half_up_to_cents(workspace, rates) -> None:
    table = RateTable.load(workspace.pk, ["GBP", "EUR", "CHF"])
    # 100.005 x 1.1 = 110.0055 -> 110.01 (half up); 3 x 1.2512345678 = 3.7537037034 -> 3.75
    assert table.convert(Decimal("100.005"), "EUR", JAN1) == Decimal("110.01")
    assert table.convert(Decimal("3"), "GBP", MAR1) == Decimal("3.75")
    assert table.convert(Decimal("0.125"), "USD", MAR1) == Decimal("0.13")
    assert table.convert(Decimal("-0.125"), "USD", MAR1) == Decimal("-0.13")
    assert table.convert(Decimal("5"), "CHF", MAR1) is None
    assert str(table.convert(Decimal("1"), "EUR", JAN1)) == "1.10"


def test_convert_sum_adds_exact_values_and_rounds_once(workspace, rates) -> None:
    table = RateTable.load(workspace.pk)
    items = [(Decimal("1"), "GBP", MAR1)] * 3  # 1.2512345678 each: 3.7537037034 in all
    items += [
        (Decimal("10"), "USD", JAN1),
        (Decimal("7"), "CHF", JAN1),
        (Decimal("1"), "JPY", JAN1),
    ]
    total = convert_sum(table, items)
    assert total == MoneySum(Decimal("13.75"), "USD", frozenset({"CHF", "JPY"}))
    # Rounding each item first would give 3 x 1.25 + 10 = 13.75 as well; this one differs:
    halves = [(Decimal("0.005"), "USD", JAN1)] * 3
    assert convert_sum(table, halves).amount == Decimal("0.02")  # rounding each: 0.03
    assert convert_sum(table, []) == MoneySum(Decimal("0.00"), "USD", frozenset())


def test_load_reads_rates_in_one_query_and_lookups_in_none(
    workspace, rates, django_assert_num_queries
) -> None:
    with django_assert_num_queries(2):  # the base currency, then the rates
        table = RateTable.load(workspace.pk, ["EUR"])
    with django_assert_num_queries(0):
        assert table.rate("EUR", MAR1) == Decimal("1.2")
        assert table.rate("GBP", MAR1) is None  # not loaded: only EUR was asked for
    with django_assert_num_queries(1):  # only the base currency asked for: no rate query
        assert RateTable.load(workspace.pk, ["usd"]).series == {}


def test_each_workspace_converts_with_its_own_rates(workspace, rates) -> None:
    other = make_workspace("Globex")
    create_exchange_rate(owner_principal(other), "EUR", JAN1, "2")
    assert convert_to_base(workspace.pk, Decimal("10"), "EUR", JAN1) == Decimal("11.00")
    assert convert_to_base(other.pk, Decimal("10"), "EUR", JAN1) == Decimal("20.00")
    assert convert_to_base(other.pk, Decimal("10"), "GBP", JAN1) is None


def test_huge_amounts_convert_exactly(workspace, rates) -> None:
    table = RateTable.load(workspace.pk)
    big = Decimal("999999999999999999.99")
    assert table.convert(big, "GBP", MAR1) == Decimal("1251234567799999999.99")
