"""Changing the base currency restates every rate in it, in one transaction, audited once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid, PreconditionFailed
from rapport.core.models import AuditEntry
from rapport.currencies.models import ExchangeRate
from rapport.currencies.queries import RateTable
from rapport.currencies.services import (
    change_base_currency,
    create_exchange_rate,
    update_exchange_rate,
)
from rapport.workspaces.models import Workspace
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

JAN1, FEB1, MAR1 = dt.date(2025, 1, 1), dt.date(2025, 2, 1), dt.date(2025, 3, 1)


def _rates(workspace: Workspace) -> list[tuple[str, dt.date, Decimal, int]]:
    rows = ExchangeRate.objects.filter(workspace=workspace).order_by("currency", "rate_on")
    return list(rows.values_list("currency", "rate_on", "rate", "version"))


def _state(workspace: Workspace) -> tuple[Any, ...]:
    base = Workspace.objects.get(pk=workspace.pk).default_currency
    return base, _rates(workspace), AuditEntry.objects.count()


def test_rates_are_restated_against_the_new_base(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", FEB1, "1.25")  # 1 EUR = 1.25 USD from Feb 1st
    create_exchange_rate(owner, "EUR", MAR1, "1.5")
    create_exchange_rate(owner, "GBP", JAN1, "1.6")
    create_exchange_rate(owner, "GBP", MAR1, "2")
    other = make_workspace("Globex")
    create_exchange_rate(owner_principal(other), "EUR", JAN1, "3")

    change = change_base_currency(owner, "eur")

    assert (change.previous, change.base, change.rebased) == ("USD", "EUR", 4)
    assert Workspace.objects.get(pk=workspace.pk).default_currency == "EUR"
    assert _rates(workspace) == [
        # GBP on Jan 1st is before EUR's first rate, so EUR's earliest (1.25) applies.
        ("GBP", JAN1, Decimal("1.28"), 2),  # 1.6 / 1.25
        ("GBP", MAR1, Decimal("1.3333333333"), 2),  # 2 / 1.5, rounded half up
        ("USD", FEB1, Decimal("0.8"), 1),  # 1 / 1.25
        ("USD", MAR1, Decimal("0.6666666667"), 1),  # 1 / 1.5
    ]
    assert _rates(other) == [("EUR", JAN1, Decimal("3"), 1)]  # other workspaces untouched
    entry = AuditEntry.objects.filter(object_type="workspace", action="update").get()
    assert (entry.action, entry.object_id, entry.changes) == (
        "update",
        workspace.pk,
        {"default_currency": ["USD", "EUR"]},
    )
    rate_entries = AuditEntry.objects.filter(workspace=workspace, object_type="exchange_rate")
    assert list(rate_entries.values_list("action", flat=True)) == ["create"] * 4


def test_conversions_agree_before_and_after_a_change(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    create_exchange_rate(owner, "GBP", JAN1, "1.3")
    before = RateTable.load(workspace.pk)
    assert before.convert(Decimal("110"), "GBP", FEB1) == Decimal("143.00")  # in USD
    change_base_currency(owner, "EUR")
    after = RateTable.load(workspace.pk)
    # 110 GBP = 143 USD = 130 EUR; and 143 USD is 130 EUR back again.
    assert after.convert(Decimal("110"), "GBP", FEB1) == Decimal("130.00")
    assert after.convert(Decimal("143"), "USD", FEB1) == Decimal("130.00")


def test_a_new_base_without_a_rate_is_refused_while_rates_exist(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    before = _state(workspace)
    with pytest.raises(Invalid) as caught:
        change_base_currency(owner, "GBP")
    assert [(e.loc, e.msg) for e in caught.value.errors] == [
        (
            ("currency",),
            "Enter an exchange rate for GBP first; rates are stored against the base currency.",
        )
    ]
    with pytest.raises(Invalid):
        change_base_currency(owner, "DEM")
    assert _state(workspace) == before


def test_without_rates_the_base_simply_changes(workspace, owner) -> None:
    assert change_base_currency(owner, "CHF").rebased == 0
    assert Workspace.objects.get(pk=workspace.pk).default_currency == "CHF"
    again = change_base_currency(owner, "CHF")  # the same base: nothing to do, nothing logged
    assert (again.previous, again.base, again.rebased) == ("CHF", "CHF", 0)
    assert AuditEntry.objects.filter(object_type="workspace", action="update").count() == 1


def test_an_edit_made_against_a_restated_rate_is_stale(workspace, owner) -> None:
    rate = create_exchange_rate(owner, "GBP", JAN1, "1.3")
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    change_base_currency(owner, "EUR")
    with pytest.raises(PreconditionFailed):
        update_exchange_rate(owner, rate.pk, {"rate": "1.4"}, 1)


def test_a_rate_out_of_range_after_restating_refuses_the_change(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "0.0000000002")
    create_exchange_rate(owner, "GBP", JAN1, "9000000000")
    before = _state(workspace)
    with pytest.raises(Invalid) as caught:
        change_base_currency(owner, "EUR")  # 9e9 / 2e-10 does not fit
    assert caught.value.errors[0].msg == (
        "In EUR, the rate of GBP on 2025-01-01 would be too large or too small to store; "
        "correct that rate first."
    )
    assert _state(workspace) == before


@pytest.mark.parametrize("role", ["manager", "sales_rep", "read_only"])
def test_only_who_may_edit_the_workspace_changes_the_base(workspace, owner, role) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    _, member = make_member(workspace, role)
    before = _state(workspace)
    with pytest.raises(Forbidden):
        change_base_currency(member, "EUR")
    assert _state(workspace) == before
