"""core.chart_axes: value ticks are round in the unit the labels show, never repeat a label and
reach the highest value; category labels turn only when they do not fit side by side."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal

import pytest

from rapport.core.chart_axes import label_rotation, value_ticks
from rapport.currencies.formatting import format_money_short

pytestmark = pytest.mark.django_db  # the autouse cache fixture reads the database cache


def money(value: float) -> str:
    return format_money_short(Decimal(str(value)), "USD")


def _step_is_round(ticks: list[float]) -> bool:
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** math.floor(math.log10(step))
    return any(math.isclose(mantissa, m) for m in (1, 2, 5))


@pytest.mark.parametrize(
    ("top", "labels"),
    [
        (0, ["$0", "$1"]),  # a chart of zeros: one whole dollar, not "$0, $0, $0, $1, $1"
        (0.4, ["$0", "$1"]),  # cents: no tick finer than the labels' whole dollar
        (1, ["$0", "$1"]),
        (3, ["$0", "$1", "$2", "$3"]),
        (7, ["$0", "$2", "$4", "$6", "$8"]),
        (950, ["$0", "$200", "$400", "$600", "$800", "$1K"]),
        (1_234, ["$0", "$500", "$1K", "$1.5K"]),
        (1_420_000, ["$0", "$500K", "$1M", "$1.5M"]),
        (6_073_076.6, ["$0", "$2M", "$4M", "$6M", "$8M"]),
    ],
)
def test_money_ticks_are_round_and_cover_the_top(top: float, labels: list[str]) -> None:
    ticks = value_ticks(top, money)
    assert [money(t) for t in ticks] == labels
    assert ticks[0] == 0 and ticks[-1] >= top


@pytest.mark.parametrize(
    "top", [0.01, 0.5, 1.5, 2, 9, 12, 99, 101, 999, 1_001, 4_999, 12_345, 99_999, 250_001, 3e6]
)
def test_labels_never_repeat_and_steps_are_one_two_or_five(top: float) -> None:
    ticks = value_ticks(top, money)
    labels = [money(t) for t in ticks]
    assert len(set(labels)) == len(labels), labels
    assert 2 <= len(ticks) <= 7 and ticks[-1] >= top
    assert _step_is_round(ticks)
    assert all(math.isclose(b - a, ticks[1]) for a, b in itertools.pairwise(ticks))


def test_fewer_ticks_when_asked_and_plain_numbers_without_a_formatter() -> None:
    assert value_ticks(100) == [0, 20, 40, 60, 80, 100]
    assert value_ticks(100, most=4) == [0, 50, 100]
    assert value_ticks(3, lambda v: f"{v:.0f} %") == [0, 1, 2, 3]


def test_labels_turn_only_when_they_do_not_fit() -> None:
    months = ["Jan", "Feb", "Mar"]
    assert label_rotation(months, 470, 14, 40) == 0
    stages = ["Qualification (51)", "Needs analysis (48)", "Negotiation (58)"] * 2
    assert label_rotation(stages, 470, 14, 40) == 40
    assert label_rotation([], 470, 14, 40) == 0
