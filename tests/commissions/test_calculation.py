"""The pure arithmetic: tiers retroactive and marginal, category portions, rounding."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from rapport.commissions.calculation import (
    DealCredit,
    PlanTerms,
    Portion,
    calculate_month,
    marginal_pieces,
)

pytestmark = pytest.mark.django_db
TIERS = ((D("0"), D("5")), (D("100"), D("8")), (D("150"), D("10")))


def _deal(pk: int, amount: str, plan: PlanTerms | None, day: int = 1, **parts: str) -> DealCredit:
    portions = [Portion("", D(amount), D(amount))]
    portions += [Portion(c.replace("_", " "), D(a), D(a)) for c, a in parts.items()]
    return DealCredit(pk, f"D{pk}", dt.date(2026, 10, day), "USD", tuple(portions), plan)


def test_retroactive_tier_rates_the_whole_month() -> None:
    plan = PlanTerms("T", D("3"), "retroactive", TIERS)
    result = calculate_month([_deal(1, "600", plan), _deal(2, "600", plan, 2)], D("1000"))
    assert result.attainment == D("120.00")
    assert [(x.amount, x.rate, x.commission) for x in result.lines] == [
        (D("600"), D("8"), D("48.00")), (D("600"), D("8"), D("48.00")),
    ]  # fmt: skip
    assert result.tier_rate == D("8")


def test_marginal_tiers_split_the_deal_that_crosses_a_boundary() -> None:
    plan = PlanTerms("T", D("3"), "marginal", TIERS)
    result = calculate_month([_deal(1, "600", plan), _deal(2, "1000", plan, 2)], D("1000"))
    assert [(x.deal_id, x.amount, x.rate, x.commission) for x in result.lines] == [
        (1, D("600"), D("5"), D("30.00")),
        (2, D("400"), D("5"), D("20.00")),
        (2, D("500"), D("8"), D("40.00")),
        (2, D("100"), D("10"), D("10.00")),
    ]
    assert sum(x.source_amount for x in result.lines if x.deal_id == 2) == D("1000")
    assert marginal_pieces(TIERS, D("1000"), D("2000"), D("0")) == [(D("0"), D("10"))]


def test_base_rate_without_quota_and_category_portions_keep_their_rate() -> None:
    plan = PlanTerms("T", D("4"), "retroactive", TIERS, (("Services", D("12")),))
    result = calculate_month([_deal(1, "100.05", plan, Services="50")], None)
    assert result.attainment is None
    assert [(x.category, x.rate, x.commission) for x in result.lines] == [
        ("", D("4"), D("4.00")),  # 4.002 rounds half up to cents
        ("Services", D("12"), D("6.00")),
    ]


def test_a_deal_without_a_plan_counts_for_attainment_but_earns_nothing() -> None:
    plan = PlanTerms("T", D("3"), "retroactive", TIERS)
    result = calculate_month([_deal(1, "1000", None), _deal(2, "100", plan, 2)], D("1000"))
    assert result.attainment == D("110.00")
    assert [(x.deal_id, x.rate) for x in result.lines] == [(2, D("8"))]
