"""CSV cells: formula guards, and the rule an importer follows to read every value back exactly."""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io

import pytest

from rapport.core.csv_export import cell, chosen_columns, csv_response
from rapport.core.errors import Invalid

pytestmark = pytest.mark.django_db  # the autouse cache fixture clears a database cache
NASTY = [
    "=1+2", "+1 555", "-x", "@SUM(A1)", "|pipe", "%p", "=a|b\\|c", "\t=1", "\r=1", "'=1",
    "'s-Hertogenbosch", "''", "\\|x", "-12.5", "plain", "",
]  # fmt: skip


def read_back(text: str) -> str:
    """The import rule in core/csv_export.py's docstring."""
    if not text.startswith("'"):
        return text
    rest = text[1:]
    if rest.startswith(("=", "+", "-", "@", "%", "\\|")):
        return rest.replace("\\|", "|")
    return rest


def _written(values: list[object]) -> list[str]:
    columns = [f"c{i}" for i in range(len(values))]
    response = csv_response("things", columns, [dict(zip(columns, values, strict=True))])
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text, newline="")))[1]


def test_cells_that_could_run_as_formulas_are_guarded() -> None:
    written = _written(list(NASTY))
    assert written[:10] == [
        "'=1+2", "'+1 555", "'-x", "'@SUM(A1)", "'\\|pipe", "'%p", "'=a\\|b\\\\|c", "'\t=1",
        "'\r=1", "''=1",
    ]  # fmt: skip
    assert written[13:] == ["-12.5", "plain", ""]  # a plain negative number stays a number


def test_the_import_rule_reads_every_value_back_exactly() -> None:
    assert [read_back(text) for text in _written(list(NASTY))] == NASTY


def test_values_become_flat_cells() -> None:
    moment = dt.datetime(2026, 1, 31, 7, 30, tzinfo=dt.UTC)
    assert [cell(v) for v in (None, True, False, moment, ["a", "b"], decimal.Decimal("1.50"))] == [
        "", "true", "false", "2026-01-31T07:30:00+00:00", "a; b", decimal.Decimal("1.50"),
    ]  # fmt: skip


def test_columns_are_all_by_default_or_those_asked_for_in_order() -> None:
    assert chosen_columns(["id", "name"], None) == ["id", "name"]
    assert chosen_columns(["id", "name"], " , ") == ["id", "name"]
    assert chosen_columns(["id", "name"], "name,id,name") == ["name", "id"]
    with pytest.raises(Invalid) as raised:
        chosen_columns(["id", "name"], "id,secret")
    assert raised.value.errors[0].loc == ("fields",)
