"""Checking a plan's fields: rates in percent, tiers by attainment, category rates, dates.

Each cleaner takes what a form or the API sent (strings or numbers) and returns the stored
value or raises Invalid on the field's path, so a page shows the message beside the input.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from typing import Any

from rapport.commissions.models import TIER_MODES
from rapport.core.errors import FieldError, Invalid

Loc = tuple[str | int, ...]
MAX_TIERS = 20
MAX_CATEGORIES = 50
HUNDRED = decimal.Decimal(100)


def _decimal(raw: Any, loc: Loc, *, upper: decimal.Decimal | None, places: int) -> decimal.Decimal:
    try:
        value = decimal.Decimal(str(raw).strip().rstrip("%").strip())
    except (decimal.InvalidOperation, ValueError) as exc:
        raise Invalid.on(loc, "Enter a number such as 5 or 7.5.") from exc
    if not value.is_finite() or value < 0 or (upper is not None and value > upper):
        bound = f"from 0 to {upper}" if upper is not None else "of 0 or more"
        raise Invalid.on(loc, f"Enter a number {bound}.")
    if value != value.quantize(decimal.Decimal(1).scaleb(-places)):
        raise Invalid.on(loc, f"Use at most {places} decimal places.")
    return value


def clean_rate(raw: Any, loc: Loc) -> decimal.Decimal:
    """A rate in percent, 0 to 100, four decimals at most."""
    if raw is None or str(raw).strip() == "":
        raise Invalid.on(loc, "Enter a rate in percent.")
    return _decimal(raw, loc, upper=HUNDRED, places=4)


def clean_name(raw: Any, loc: Loc = ("name",)) -> str:
    name = str(raw or "").strip()
    if not 0 < len(name) <= 100:
        raise Invalid.on(loc, "Give the plan a name of up to 100 characters.")
    return name


def clean_description(raw: Any) -> str:
    text = str(raw or "").strip()
    if len(text) > 2000:
        raise Invalid.on("description", "Keep the description under 2,000 characters.")
    return text


def clean_mode(raw: Any) -> str:
    if raw not in TIER_MODES:
        raise Invalid.on("tier_mode", "Choose retroactive or marginal.")
    return str(raw)


def clean_date(raw: Any, loc: Loc, required: bool) -> dt.date | None:
    if raw is None or raw == "":
        if required:
            raise Invalid.on(loc, "Enter a date.")
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError as exc:
        raise Invalid.on(loc, "Enter a date as 2026-11-01.") from exc


def clean_tiers(raw: Any) -> list[dict[str, str]]:
    """[{from, rate}], ascending by `from` (attainment in percent), the first from 0."""
    if not isinstance(raw, list) or len(raw) > MAX_TIERS:
        raise Invalid.on("tiers", f"Give up to {MAX_TIERS} tiers as a list.")
    tiers, problems, last = [], [], None
    for i, item in enumerate(raw):
        try:
            item = item if isinstance(item, dict) else {}
            start = _decimal(item.get("from"), ("tiers", i, "from"), upper=None, places=2)
            rate = clean_rate(item.get("rate"), ("tiers", i, "rate"))
            if i == 0 and start != 0:
                raise Invalid.on(("tiers", i, "from"), "The first tier starts at 0 %.")
            if last is not None and start <= last:
                raise Invalid.on(("tiers", i, "from"), "Each tier starts above the one before.")
            last = start
            tiers.append({"from": str(start), "rate": str(rate)})
        except Invalid as exc:
            problems.extend(exc.errors)
    _raise(problems)
    return tiers


def clean_category_rates(raw: Any) -> list[dict[str, str]]:
    """[{category, rate}], one rate per product category."""
    if not isinstance(raw, list) or len(raw) > MAX_CATEGORIES:
        raise Invalid.on("category_rates", f"Give up to {MAX_CATEGORIES} categories as a list.")
    rates, problems, seen = [], [], set()
    for i, item in enumerate(raw):
        try:
            item = item if isinstance(item, dict) else {}
            category = str(item.get("category") or "").strip()
            if not 0 < len(category) <= 100:
                raise Invalid.on(("category_rates", i, "category"), "Name a product category.")
            if category.casefold() in seen:
                raise Invalid.on(
                    ("category_rates", i, "category"), "This category is listed twice."
                )
            seen.add(category.casefold())
            rate = clean_rate(item.get("rate"), ("category_rates", i, "rate"))
            rates.append({"category": category, "rate": str(rate)})
        except Invalid as exc:
            problems.extend(exc.errors)
    _raise(problems)
    return rates


def _raise(problems: list[FieldError]) -> None:
    if problems:
        raise Invalid("Some fields are not valid.", problems)


CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": clean_name,
    "description": clean_description,
    "base_rate": lambda raw: clean_rate(raw, ("base_rate",)),
    "tier_mode": clean_mode,
    "tiers": clean_tiers,
    "category_rates": clean_category_rates,
    "effective_from": lambda raw: clean_date(raw, ("effective_from",), required=True),
    "effective_to": lambda raw: clean_date(raw, ("effective_to",), required=False),
    "is_active": lambda raw: bool(raw),
}


def clean_plan(data: dict[str, Any], partial: bool) -> dict[str, Any]:
    """The plan's fields cleaned, every problem reported at once."""
    cleaned, problems = {}, []
    required = () if partial else ("name", "base_rate", "effective_from")
    for name in required:
        if name not in data:
            data = {**data, name: None}
    for name, raw in data.items():
        if name not in CLEANERS:
            problems.append(FieldError((name,), "Unknown field."))
            continue
        try:
            cleaned[name] = CLEANERS[name](raw)
        except Invalid as exc:
            problems.extend(exc.errors)
    _raise(problems)
    return cleaned


def check_span(first: dt.date, last: dt.date | None, loc: str = "effective_to") -> None:
    if last is not None and last < first:
        raise Invalid.on(loc, "The last day comes on or after the first.")
