"""Exchange rates: the rules of a rate, its writes, permissions and the audit they leave."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal
from typing import Any

import pytest

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry
from rapport.currencies.codes import currency_choices, currency_name, is_currency
from rapport.currencies.models import ExchangeRate
from rapport.currencies.services import (
    create_exchange_rate,
    delete_exchange_rate,
    update_exchange_rate,
)
from rapport.workspaces.roles import BUILTIN_ROLES
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

JAN1 = dt.date(2025, 1, 1)


def _rows() -> list[tuple[Any, ...]]:
    return list(ExchangeRate.objects.order_by("pk").values_list("currency", "rate_on", "rate"))


def test_codes_are_active_iso_currencies() -> None:
    assert is_currency("EUR") and is_currency("CHF") and is_currency("JPY")
    assert not is_currency("eur") and not is_currency("DEM") and not is_currency("XXX")
    assert not is_currency("") and not is_currency("EURO")
    assert currency_name("EUR") == "Euro"
    choices = currency_choices()
    assert ("EUR", "EUR — Euro") in choices and ("USD", "USD — US Dollar") in choices
    assert [code for code, _ in choices] == sorted(code for code, _ in choices)
    assert "DEM" not in dict(choices) and "XAU" not in dict(choices)


def test_a_rate_is_stored_rounded_and_audited(owner) -> None:
    rate = create_exchange_rate(owner, " eur ", "2025-01-01", "1.123456789049")
    rate.refresh_from_db()
    assert (rate.currency, rate.rate_on, rate.rate, rate.source, rate.version) == (
        "EUR",
        JAN1,
        Decimal("1.1234567890"),
        "manual",
        1,
    )
    entry = AuditEntry.objects.get(object_type="exchange_rate", object_id=rate.pk)
    assert (entry.action, entry.object_repr) == ("create", "EUR on 2025-01-01")
    assert entry.changes == {
        "currency": "EUR",
        "rate_on": "2025-01-01",
        "rate": "1.123456789",
        "source": "manual",
    }


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("currency", "EURO", "Choose an ISO 4217 currency code, e.g. EUR."),
        ("currency", "DEM", "Choose an ISO 4217 currency code, e.g. EUR."),
        (
            "currency",
            "usd",
            "USD is the base currency: other currencies' rates are stated in it, "
            "so it has no rate of its own.",
        ),
        ("rate_on", "2025-02-30", "Give the date as YYYY-MM-DD, e.g. 2025-01-31."),
        ("rate_on", "31.01.2025", "Give the date as YYYY-MM-DD, e.g. 2025-01-31."),
        ("rate", "NaN", "Write the rate as a number, e.g. 1.0850."),
        ("rate", "Infinity", "Write the rate as a number, e.g. 1.0850."),
        ("rate", "1,5", "Write the rate as a number, e.g. 1.0850."),
        ("rate", "-1", "A rate is more than 0."),
        ("rate", "0", "A rate is more than 0."),
        ("rate", "1e400", "A rate is less than 10,000,000,000."),
        ("rate", "10000000000", "A rate is less than 10,000,000,000."),
        ("rate", "0.00000000004", "The rate is too small: it rounds to 0 at 10 decimal places."),
        ("source", "", "A source has 1 to 40 characters, e.g. manual."),
    ],
)
def test_bad_fields_are_refused_with_their_message(owner, field, value, message) -> None:
    fields: dict[str, Any] = {"currency": "EUR", "rate_on": JAN1, "rate": "1.1"}
    with pytest.raises(Invalid) as caught:
        create_exchange_rate(owner, **{**fields, field: value})
    assert [(e.loc, e.msg) for e in caught.value.errors] == [((field,), message)]
    assert (
        not ExchangeRate.objects.exists()
        and not AuditEntry.objects.filter(object_type="exchange_rate").exists()
    )


def test_every_bad_field_is_reported_at_once(owner) -> None:
    with pytest.raises(Invalid) as caught:
        create_exchange_rate(owner, "XYZ", "yesterday", "-3")
    assert [e.loc for e in caught.value.errors] == [("currency",), ("rate_on",), ("rate",)]


def test_one_rate_per_currency_and_date(owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    with pytest.raises(Conflict) as caught:
        create_exchange_rate(owner, "EUR", JAN1, "1.2")
    assert caught.value.detail == "EUR already has a rate on 2025-01-01; change that one."
    other = create_exchange_rate(owner, "EUR", dt.date(2025, 1, 2), "1.2")
    with pytest.raises(Conflict):
        update_exchange_rate(owner, other.pk, {"rate_on": JAN1})
    create_exchange_rate(owner_principal(make_workspace("Globex")), "EUR", JAN1, "9")
    assert sorted(_rows()) == [
        ("EUR", JAN1, Decimal("1.1")),
        ("EUR", JAN1, Decimal("9")),
        ("EUR", dt.date(2025, 1, 2), Decimal("1.2")),
    ]


def test_update_checks_the_version_and_audits_the_change(owner) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    updated = update_exchange_rate(owner, rate.pk, {"rate": Decimal("1.25")}, 1)
    assert (updated.rate, updated.version) == (Decimal("1.25"), 2)
    with pytest.raises(PreconditionFailed):
        update_exchange_rate(owner, rate.pk, {"rate": "1.3"}, 1)
    same = update_exchange_rate(owner, rate.pk, {"rate": "1.2500"}, 2)  # no change, no new version
    assert same.version == 2
    entries = AuditEntry.objects.filter(object_type="exchange_rate", action="update")
    assert [e.changes for e in entries] == [{"rate": ["1.1", "1.25"]}]


def test_delete_removes_the_row_and_keeps_its_last_values(owner) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    with pytest.raises(PreconditionFailed):
        delete_exchange_rate(owner, rate.pk, 3)
    delete_exchange_rate(owner, rate.pk, 1)
    assert not ExchangeRate.objects.exists()
    entry = AuditEntry.objects.get(object_type="exchange_rate", action="delete")
    assert entry.changes["rate"] == "1.1"
    with pytest.raises(NotFound):
        delete_exchange_rate(owner, rate.pk)


@pytest.mark.parametrize("role", ["sales_rep", "marketer", "support_agent", "read_only"])
def test_only_managers_and_admins_write_rates(workspace, owner, role) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    _, member = make_member(workspace, role)
    before = (_rows(), AuditEntry.objects.count())
    with pytest.raises(Forbidden):
        create_exchange_rate(member, "GBP", JAN1, "1.3")
    with pytest.raises(Forbidden):
        update_exchange_rate(member, rate.pk, {"rate": "2"})
    with pytest.raises(Forbidden):
        delete_exchange_rate(member, rate.pk)
    assert (_rows(), AuditEntry.objects.count()) == before
    _, manager = make_member(workspace, "manager")
    update_exchange_rate(manager, rate.pk, {"rate": "2"})
    delete_exchange_rate(manager, rate.pk)


def test_another_workspaces_rate_is_not_found(owner) -> None:
    theirs = create_exchange_rate(owner_principal(make_workspace("Globex")), "EUR", JAN1, "1.1")
    with pytest.raises(NotFound):
        update_exchange_rate(owner, theirs.pk, {"rate": "2"})
    with pytest.raises(NotFound):
        delete_exchange_rate(owner, theirs.pk)
    assert _rows() == [("EUR", JAN1, Decimal("1.1"))]


def test_the_grant_migration_matches_the_builtin_roles() -> None:
    migration = importlib.import_module("rapport.currencies.migrations.0002_grant_builtin_roles")
    grants = {key: role["grants"] for key, role in BUILTIN_ROLES.items()}
    assert {key: g["exchange_rate"] for key, g in grants.items()} == migration.GRANTS  # type: ignore[index]
