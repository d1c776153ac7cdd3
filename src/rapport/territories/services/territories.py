"""Writes about territories: create, edit (rules, team, on or off), reorder and delete.

Rules are kept normalised so matching is a plain comparison: country codes upper-case and
checked against ISO 3166 (CLDR's list, from babel), postcode prefixes upper-case without
spaces, regions and industries as typed but without duplicates that differ only in case.
Territories are a workspace setting under the "territory" grant (managers and admins write).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from babel import Locale
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.territories.matching import normalise_postcode
from rapport.territories.models import Territory
from rapport.workspaces.models import Team

OBJECT_TYPE = "territory"
RULE_LISTS = ("countries", "regions", "postcode_prefixes", "industries")
FIELDS = ("name", "team_id", "is_active", *RULE_LISTS, "min_employees", "max_employees")
MAX_RULES = 500  # entries in one rule list
MAX_EMPLOYEES = 10_000_000
# CLDR territory codes that are groupings or placeholders, not countries.
NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ"})


@functools.cache
def country_codes() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes (CLDR's territories, less groupings): what a rule may name."""
    names = Locale("en").territories
    codes = {code for code in names if isinstance(code, str) and len(code) == 2 and code.isalpha()}
    return frozenset(codes - NOT_COUNTRIES)


def snapshot(territory: Territory) -> dict[str, Any]:
    data = {name: getattr(territory, name) for name in FIELDS}
    return {**data, "position": territory.position}


# --- Cleaning -----------------------------------------------------------------------------------


def _country(raw: str) -> str:
    code = raw.strip().upper()
    if code == "UK":
        raise ValueError("Use GB for the United Kingdom.")
    if code not in country_codes():
        raise ValueError(f"{raw.strip()!r} is not an ISO 3166 country code (e.g. DE, GB, US).")
    return code


def _prefix(raw: str) -> str:
    prefix = normalise_postcode(raw)
    if not prefix.isalnum() or len(prefix) > 20:
        raise ValueError("Use letters and digits, e.g. 75 or SW1.")
    return prefix


def _words(limit: int) -> Callable[[str], str]:
    def clean(raw: str) -> str:
        text = " ".join(raw.split())
        if not text or len(text) > limit:
            raise ValueError(f"Use 1 to {limit} characters.")
        return text

    return clean


ITEM_CLEANERS: dict[str, Callable[[str], str]] = {
    "countries": _country,
    "regions": _words(100),
    "postcode_prefixes": _prefix,
    "industries": _words(100),
}


def _rule_list(name: str, raw: Any, problems: list[FieldError]) -> list[str]:
    """A rule list cleaned item by item (null clears it), duplicates dropped regardless of case."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_RULES:
        problems.append(FieldError((name,), f"Give a list of at most {MAX_RULES} values."))
        return []
    cleaned: list[str] = []
    for i, item in enumerate(raw):
        try:
            if not isinstance(item, str):
                raise ValueError("Give text.")
            value = ITEM_CLEANERS[name](item)
        except ValueError as exc:
            problems.append(FieldError((name, i), str(exc)))
            continue
        if value.casefold() not in {c.casefold() for c in cleaned}:
            cleaned.append(value)
    return cleaned


def _employees(name: str, raw: Any, problems: list[FieldError]) -> int | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_EMPLOYEES:
        problems.append(FieldError((name,), f"Enter a whole number from 0 to {MAX_EMPLOYEES:,}."))
        return None
    return raw


def _team_id(principal: Principal, raw: Any, problems: list[FieldError]) -> int | None:
    known = (
        isinstance(raw, int)
        and not isinstance(raw, bool)
        and Team.objects.filter(workspace_id=principal.workspace_id, pk=raw).exists()
    )
    if not known:
        problems.append(
            FieldError(("team_id",), "Choose the team of this workspace that works it.")
        )
        return None
    return int(raw)


def _name(raw: Any, problems: list[FieldError]) -> str:
    name = " ".join(raw.split()) if isinstance(raw, str) else ""
    if not 0 < len(name) <= 100:
        problems.append(FieldError(("name",), "A territory needs a name of 1 to 100 characters."))
    return name


def _clean(principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """The fields `data` sets, cleaned; Invalid naming every problem (with its list index)."""
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise Invalid.on(unknown[0], "This field cannot be set.")
    problems: list[FieldError] = []
    cleaned: dict[str, Any] = {}
    for name, raw in data.items():
        if name == "name":
            cleaned[name] = _name(raw, problems)
        elif name == "team_id":
            cleaned[name] = _team_id(principal, raw, problems)
        elif name == "is_active":
            if not isinstance(raw, bool):
                problems.append(FieldError((name,), "Give true or false."))
            cleaned[name] = bool(raw)
        elif name in RULE_LISTS:
            cleaned[name] = _rule_list(name, raw, problems)
        else:
            cleaned[name] = _employees(name, raw, problems)
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    return cleaned


def _check(principal: Principal, territory: Territory) -> None:
    """Rules across fields: a size range the right way round, a name no other one has."""
    low, high = territory.min_employees, territory.max_employees
    if low is not None and high is not None and low > high:
        raise Invalid.on("max_employees", "The most employees must be at least the fewest.")
    clash = Territory.objects.filter(
        workspace_id=principal.workspace_id, name__iexact=territory.name
    ).exclude(pk=territory.pk)
    if clash.exists():
        raise Invalid.on("name", "Another territory has this name.")


def _save(territory: Territory) -> None:
    try:
        with transaction.atomic():
            territory.save()
    except IntegrityError as exc:  # the same name saved meanwhile
        raise Invalid.on("name", "Another territory has this name.") from exc


# --- Writes -------------------------------------------------------------------------------------


@transaction.atomic
def create_territory(principal: Principal, data: dict[str, Any]) -> Territory:
    """A territory tried after the existing ones; it needs a name and a team."""
    require(principal, "create", OBJECT_TYPE)
    cleaned = _clean(principal, {"name": None, "team_id": None, **data})
    last = Territory.objects.filter(workspace_id=principal.workspace_id).aggregate(
        m=Max("position")
    )
    territory = Territory(
        workspace_id=principal.workspace_id, position=(last["m"] or 0) + 1, **cleaned
    )
    _check(principal, territory)
    _save(territory)
    record_change(principal, "create", OBJECT_TYPE, territory, snapshot(territory))
    return territory


def _locked(principal: Principal, territory_id: int) -> Territory:
    territory = (
        Territory.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=territory_id)
        .first()
    )
    if territory is None:
        raise NotFound("territory not found")
    return territory


@transaction.atomic
def update_territory(
    principal: Principal,
    territory_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Territory:
    """Change the fields `data` names (a rule list is replaced whole; null clears it)."""
    territory = _locked(principal, territory_id)
    require(principal, "edit", OBJECT_TYPE, territory)
    check_version(territory, expected_version)
    before = snapshot(territory)
    for name, value in _clean(principal, data).items():
        setattr(territory, name, value)
    _check(principal, territory)
    changes = diff(before, snapshot(territory))
    if not changes:
        return territory
    territory.version += 1
    territory.updated_at = timezone.now()
    _save(territory)
    record_change(principal, "update", OBJECT_TYPE, territory, changes)
    return territory


@transaction.atomic
def reorder_territories(principal: Principal, territory_ids: list[int]) -> None:
    """Set the order territories are tried in (the first that matches wins)."""
    require(principal, "edit", OBJECT_TYPE)
    territories = {
        t.pk: t
        for t in Territory.objects.select_for_update().filter(workspace_id=principal.workspace_id)
    }
    if len(territory_ids) != len(set(territory_ids)) or set(territory_ids) != set(territories):
        raise Invalid.on("territory_ids", "List every territory of the workspace once.")
    now = timezone.now()
    for position, pk in enumerate(territory_ids, start=1):
        territory = territories[pk]
        if territory.position == position:
            continue
        before = territory.position
        territory.position, territory.updated_at = position, now
        territory.version += 1
        territory.save(update_fields=["position", "version", "updated_at"])
        record_change(principal, "update", OBJECT_TYPE, territory, {"position": [before, position]})


@transaction.atomic
def delete_territory(principal: Principal, territory_id: int) -> None:
    """Delete for good: its records keep their owners, and their assignment notes name it."""
    territory = _locked(principal, territory_id)
    require(principal, "delete", OBJECT_TYPE, territory)
    record_change(principal, "delete", OBJECT_TYPE, territory, snapshot(territory))
    territory.delete()
