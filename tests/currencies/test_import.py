"""CSV import of exchange rates: all rows or none, per-row errors, bulk writes, audited rows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid
from rapport.core.models import AuditEntry
from rapport.currencies.models import ExchangeRate
from rapport.currencies.services import (
    ImportResult,
    create_exchange_rate,
    import_exchange_rates,
)
from tests.conftest import make_member

pytestmark = pytest.mark.django_db

JAN1, JAN2 = dt.date(2025, 1, 1), dt.date(2025, 1, 2)
HEADER = "The first row must name the columns: currency,date,rate (in any order)."


def _state() -> tuple[list[Any], int]:
    rows = ExchangeRate.objects.order_by("currency", "rate_on")
    values = list(rows.values_list("currency", "rate_on", "rate", "source", "version"))
    return values, AuditEntry.objects.count()


def _problems(csv_text: str, owner: Any) -> list[tuple[tuple[Any, ...], str]]:
    with pytest.raises(Invalid) as caught:
        import_exchange_rates(owner, csv_text)
    return [(e.loc, e.msg) for e in caught.value.errors]


def test_new_rows_are_created_existing_ones_updated_equal_ones_left(owner) -> None:
    kept = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    changed = create_exchange_rate(owner, "GBP", JAN1, "1.3")
    text = "\ufeffCurrency,Date,Rate\r\nEUR,2025-01-01,1.1000\r\n\r\ngbp,2025-01-01,1.35\r\n"
    text += "EUR, 2025-01-02 ,1.12\r\n"
    result = import_exchange_rates(owner, text)
    assert result == ImportResult(created=1, updated=1, unchanged=1)
    assert _state()[0] == [
        ("EUR", JAN1, Decimal("1.1"), "manual", 1),
        ("EUR", JAN2, Decimal("1.12"), "csv", 1),
        ("GBP", JAN1, Decimal("1.35"), "csv", 2),
    ]
    entries = AuditEntry.objects.filter(object_type="exchange_rate").exclude(
        object_id__in=[kept.pk]
    )
    new = ExchangeRate.objects.get(rate_on=JAN2)
    assert sorted((e.action, e.object_id, e.object_repr, e.changes) for e in entries) == [
        (
            "create",
            changed.pk,
            "GBP on 2025-01-01",
            {"currency": "GBP", "rate_on": "2025-01-01", "rate": "1.3", "source": "manual"},
        ),
        (
            "create",
            new.pk,
            "EUR on 2025-01-02",
            {"currency": "EUR", "rate_on": "2025-01-02", "rate": "1.12", "source": "csv"},
        ),
        (
            "update",
            changed.pk,
            "GBP on 2025-01-01",
            {"rate": ["1.3", "1.35"], "source": ["manual", "csv"]},
        ),
    ]
    actor = {(e.actor_user_id, e.workspace_id) for e in entries}
    assert actor == {(owner.user_id, owner.workspace_id)}


def test_any_bad_row_imports_nothing_and_each_problem_names_its_row(owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.1")
    before = _state()
    text = (
        "date,currency,rate\n"  # any column order
        "2025-01-05,EUR,1.2\n"  # row 2: fine
        "2025-01-05,CHF,-1\n"  # row 3
        "2025-13-01,USD,abc\n"  # row 4: three problems
        "2025-01-05,EUR,1.3\n"  # row 5: repeats row 2
        "2025-01-06,GBP,1.3,extra\n"  # row 6
        "2025-01-07,GBP\n"  # row 7: no rate
    )
    assert _problems(text, owner) == [
        (("rows", 3, "rate"), "A rate is more than 0."),
        (
            ("rows", 4, "currency"),
            "USD is the base currency: other currencies' rates are stated in it, "
            "so it has no rate of its own.",
        ),
        (("rows", 4, "date"), "Give the date as YYYY-MM-DD, e.g. 2025-01-31."),
        (("rows", 4, "rate"), "Write the rate as a number, e.g. 1.0850."),
        (("rows", 5, "date"), "EUR on 2025-01-05 is already on row 2."),
        (("rows", 6), "This row has more values than columns."),
        (("rows", 7, "rate"), "Write the rate as a number, e.g. 1.0850."),
    ]
    assert _state() == before


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", HEADER),
        ("code,day,value\nEUR,2025-01-01,1", HEADER),
        ("currency,date,rate,note\n", HEADER),
        ("currency,currency,rate\n", HEADER),
        ("currency,date,rate\n\n", "The file lists no rates under its header."),
        (
            "currency,date,rate\nEUR,2025-01-01," + "1" * 200_000,
            "This is not a CSV file we can read (field larger than field limit (131072)).",
        ),
    ],
)
def test_a_file_that_is_not_a_rate_list_is_refused(owner, text, message) -> None:
    assert _problems(text, owner) == [(("csv",), message)]
    assert not ExchangeRate.objects.exists()


def test_ten_thousand_rows_import_in_a_bounded_number_of_queries(
    owner, django_assert_max_num_queries
) -> None:
    start = dt.date(2000, 1, 1)
    lines = ["currency,date,rate"]
    for code in ("EUR", "GBP", "CHF", "JPY"):
        lines += [f"{code},{start + dt.timedelta(days=n)},1.{n:04d}" for n in range(2500)]
    create_exchange_rate(owner, "EUR", start, "9")  # one of them exists and is updated
    # Bulk statements, not 20,000 inserts: 1,000 rows each on PostgreSQL, about 100 on SQLite
    # (whose statements take at most 999 parameters).
    with django_assert_max_num_queries(250):
        result = import_exchange_rates(owner, "\n".join(lines))
    assert result == ImportResult(created=9999, updated=1, unchanged=0)
    assert ExchangeRate.objects.count() == 10_000
    assert AuditEntry.objects.filter(object_type="exchange_rate").count() == 10_001
    assert ExchangeRate.objects.get(
        currency="JPY", rate_on=start + dt.timedelta(days=2499)
    ).rate == (Decimal("1.2499"))


def test_importing_needs_the_import_right(workspace, owner) -> None:
    for role in ("sales_rep", "read_only", "marketer"):
        _, member = make_member(workspace, role)
        with pytest.raises(Forbidden):
            import_exchange_rates(member, "currency,date,rate\nEUR,2025-01-01,1.1\n")
    assert not ExchangeRate.objects.exists()
    _, manager = make_member(workspace, "manager")
    assert import_exchange_rates(manager, "currency,date,rate\nEUR,2025-01-01,1.1\n").created == 1
