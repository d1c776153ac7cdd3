"""match_territory and its explanation: pure functions over facts, no database."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from rapport.territories.matching import (
    Facts,
    explain_match,
    match_territory,
    matches,
    normalise_postcode,
    rules_text,
)

pytestmark = pytest.mark.django_db  # no query runs; the suite's cache clean-up needs the database


@dataclass
class T:
    """A territory as matching reads it (territories.Territory has these attributes)."""

    name: str
    position: int = 1
    pk: int | None = None
    is_active: bool = True
    countries: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    postcode_prefixes: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    min_employees: int | None = None
    max_employees: int | None = None


def test_a_territory_without_rules_matches_any_record() -> None:
    assert matches(T("Everything"), Facts())
    assert matches(T("Everything"), Facts(country="DE", employee_count=5))


@pytest.mark.parametrize(
    ("country", "expected"),
    [("DE", True), ("de", True), (" at ", True), ("CH", False), ("", False)],
)
def test_countries_compare_upper_case_codes(country: str, expected: bool) -> None:
    assert matches(T("DACH", countries=["DE", "AT"]), Facts(country=country)) is expected


@pytest.mark.parametrize(
    ("region", "expected"),
    [("Bavaria", True), ("BAVARIA", True), ("  bavaria ", True), ("Upper  Austria", True),
     ("Saxony", False), ("", False)],
)  # fmt: skip
def test_regions_compare_without_case_or_extra_spaces(region: str, expected: bool) -> None:
    territory = T("South", regions=["Bavaria", "Upper Austria"])
    assert matches(territory, Facts(region=region)) is expected


@pytest.mark.parametrize(
    ("postal_code", "expected"),
    [("75001", True), ("92100", True), ("sw1a 1aa", True), ("SW1A-1AA", True), ("76000", False),
     ("W1", False), ("", False)],
)  # fmt: skip
def test_postcodes_match_by_prefix_ignoring_spaces_dashes_and_case(
    postal_code: str, expected: bool
) -> None:
    territory = T("Paris and Westminster", postcode_prefixes=["75", "92", "SW1"])
    assert matches(territory, Facts(postal_code=postal_code)) is expected


@pytest.mark.parametrize(
    ("industry", "expected"),
    [("Software", True), ("software", True), ("Retail", False), ("", False)],
)
def test_industries_compare_without_case(industry: str, expected: bool) -> None:
    assert (
        matches(T("Tech", industries=["Software", "Hardware"]), Facts(industry=industry))
        is expected
    )


@pytest.mark.parametrize(
    ("low", "high", "count", "expected"),
    [(50, 500, 50, True), (50, 500, 500, True), (50, 500, 49, False), (50, 500, 501, False),
     (50, None, 10_000, True), (50, None, 49, False), (None, 49, 0, True), (None, 49, 50, False),
     (1, None, None, False), (None, 10, None, False)],
)  # fmt: skip
def test_size_ranges_are_inclusive_and_need_a_known_size(
    low: int | None, high: int | None, count: int | None, expected: bool
) -> None:
    territory = T("Mid-market", min_employees=low, max_employees=high)
    assert matches(territory, Facts(employee_count=count)) is expected


def test_every_rule_set_must_hold() -> None:
    territory = T("DACH software", countries=["DE"], industries=["Software"], min_employees=10)
    assert matches(territory, Facts(country="DE", industry="software", employee_count=10))
    assert not matches(territory, Facts(country="DE", industry="software", employee_count=9))
    assert not matches(territory, Facts(country="FR", industry="software", employee_count=10))
    assert not matches(territory, Facts(country="DE", industry="retail", employee_count=10))


def test_the_first_territory_by_position_wins_and_inactive_ones_are_skipped() -> None:
    broad = T("Europe", position=3, pk=1, countries=["DE", "FR"])
    narrow = T("Germany", position=2, pk=2, countries=["DE"])
    off = T("Germany (old)", position=1, pk=3, countries=["DE"], is_active=False)
    territories = [broad, narrow, off]
    assert match_territory(territories, Facts(country="DE")) is narrow
    assert match_territory(territories, Facts(country="FR")) is broad
    assert match_territory(territories, Facts(country="US")) is None
    assert match_territory([], Facts(country="DE")) is None


def test_equal_positions_fall_back_to_creation_order() -> None:
    first, second = T("A", position=1, pk=5), T("B", position=1, pk=9)
    assert match_territory([second, first], Facts()) is first


def test_explain_match_lists_the_territories_tried_and_why_each_failed() -> None:
    germany = T("Germany", position=1, pk=1, countries=["DE"], industries=["Software"])
    off = T("Off", position=2, pk=2, is_active=False)
    france = T("France", position=3, pk=3, countries=["FR"])
    rest = T("Rest", position=4, pk=4)
    attempts = explain_match([rest, france, off, germany], Facts(country="FR", industry="Retail"))
    assert [a.territory.name for a in attempts] == ["Germany", "France"]
    assert [a.matched for a in attempts] == [False, True]
    assert attempts[0].results == [("country DE", False), ("industry Software", False)]
    assert attempts[0].failed() == ["country DE", "industry Software"]
    assert attempts[1].results == [("country FR", True)]
    nowhere = explain_match([germany], Facts(country="US"))
    assert [(a.territory.name, a.matched) for a in nowhere] == [("Germany", False)]


def test_rules_in_words() -> None:
    territory = T("Mix", countries=["DE", "AT"], regions=["Tyrol"], postcode_prefixes=["60"],
                  industries=["Software"], min_employees=50, max_employees=500)  # fmt: skip
    assert rules_text(territory) == (
        "country DE, AT; region Tyrol; postcode 60…; industry Software; 50 to 500 employees"
    )
    assert rules_text(T("Small", max_employees=49)) == "up to 49 employees"
    assert rules_text(T("Big", min_employees=1000)) == "1000+ employees"
    assert rules_text(T("Any")) == "any record"


def test_postcodes_normalise_without_spaces_dashes_or_case() -> None:
    assert normalise_postcode(" sw1a 1aa ") == "SW1A1AA"
    assert normalise_postcode("94105-1234") == "941051234"
    assert normalise_postcode("") == ""
