"""Which territory a record falls in: pure functions over a record's facts, no database.

A territory matches when every rule it sets holds; a rule left empty holds for anything, and a
rule that is set fails when the record lacks the fact it tests (a size range never matches a
company of unknown size). Territories are tried in position order; the first match wins and
inactive territories are skipped. `rapport.territories.queries` builds the facts of a contact,
company or deal and loads the territories once.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    # What matching reads of a territory: its rule fields, name, position, is_active and pk.
    # Typed as the model; any object with those attributes works (the tests use a dataclass).
    from rapport.territories.models import Territory as Rules


@dataclass(frozen=True)
class Facts:
    """What territory rules read about a record: an address, an industry and a company size."""

    country: str = ""
    region: str = ""
    postal_code: str = ""
    industry: str = ""
    employee_count: int | None = None


T = TypeVar("T", bound="Rules")


def normalise_postcode(raw: str) -> str:
    """ "sw1a 1aa" -> "SW1A1AA": postcodes and prefixes compare without spaces, dashes or case."""
    return re.sub(r"[\s-]+", "", raw or "").upper()


def _fold(text: str) -> str:
    return " ".join((text or "").split()).casefold()


def rule_results(territory: Rules, facts: Facts) -> list[tuple[str, bool]]:
    """Each rule the territory sets, in words, and whether the facts meet it."""
    results: list[tuple[str, bool]] = []
    if territory.countries:
        country = (facts.country or "").strip().upper()
        results.append(
            (f"country {', '.join(territory.countries)}", country in territory.countries)
        )
    if territory.regions:
        regions = {_fold(r) for r in territory.regions}
        results.append((f"region {', '.join(territory.regions)}", _fold(facts.region) in regions))
    if territory.postcode_prefixes:
        code = normalise_postcode(facts.postal_code)
        held = bool(code) and any(code.startswith(p) for p in territory.postcode_prefixes)
        results.append((f"postcode {', '.join(territory.postcode_prefixes)}…", held))
    if territory.industries:
        industries = {_fold(i) for i in territory.industries}
        held = _fold(facts.industry) in industries
        results.append((f"industry {', '.join(territory.industries)}", held))
    if territory.min_employees is not None or territory.max_employees is not None:
        results.append((size_text(territory), _size_holds(territory, facts.employee_count)))
    return results


def _size_holds(territory: Rules, count: int | None) -> bool:
    if count is None:
        return False
    low, high = territory.min_employees, territory.max_employees
    return (low is None or count >= low) and (high is None or count <= high)


def size_text(territory: Rules) -> str:
    low, high = territory.min_employees, territory.max_employees
    if low is not None and high is not None:
        return f"{low} to {high} employees"
    return f"{low}+ employees" if low is not None else f"up to {high} employees"


def matches(territory: Rules, facts: Facts) -> bool:
    return all(held for _, held in rule_results(territory, facts))


def rules_text(territory: Rules) -> str:
    """The territory's rules in words: "country DE, AT; industry Software", or "any record"."""
    return "; ".join(text for text, _ in rule_results(territory, Facts())) or "any record"


def in_order(territories: Iterable[T]) -> list[T]:
    return sorted(territories, key=lambda t: (t.position, t.pk or 0))


def match_territory(territories: Iterable[T], facts: Facts) -> T | None:
    """The first active territory, by position, whose every rule holds for the facts."""
    return next((t for t in in_order(territories) if t.is_active and matches(t, facts)), None)


@dataclass(frozen=True)
class Attempt(Generic[T]):
    """One territory tried, with each of its rules and whether it held."""

    territory: T
    results: list[tuple[str, bool]]

    @property
    def matched(self) -> bool:
        return all(held for _, held in self.results)

    def failed(self) -> list[str]:
        return [text for text, held in self.results if not held]


def explain_match(territories: Iterable[T], facts: Facts) -> list[Attempt[T]]:
    """The active territories tried in order, up to and including the first that matches:
    why the record lands where it does (the test box, a dry run)."""
    attempts: list[Attempt[T]] = []
    for territory in in_order(territories):
        if not territory.is_active:
            continue
        attempts.append(Attempt(territory, rule_results(territory, facts)))
        if attempts[-1].matched:
            break
    return attempts
