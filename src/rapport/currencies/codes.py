"""ISO 4217 currency codes: which are valid, their names, and the choices of a select box.

The list comes from babel (CLDR data): a code is valid when some country uses it as legal tender
today, so historic codes (DEM, FRF) and non-money codes (XXX, XAU) are refused.
"""

from __future__ import annotations

import datetime as dt
import functools

from babel.core import get_global
from babel.numbers import get_currency_name, get_territory_currencies

LOCALE = "en"


@functools.cache
def active_codes() -> frozenset[str]:
    """Codes some territory uses as legal tender (read once per process)."""
    today = dt.date.today()
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=today, tender=True))
    return frozenset(codes)


def normalise(code: object) -> str:
    """A code as stored: trimmed and upper-case (not checked)."""
    return str(code or "").strip().upper()


def is_currency(code: str) -> bool:
    """True for an active ISO 4217 code, written in capitals ("EUR", not "eur")."""
    return code in active_codes()


def currency_name(code: str) -> str:
    """The English name ("Euro"); the code itself when babel does not know it."""
    return str(get_currency_name(code, locale=LOCALE)) if code else ""


@functools.cache
def _choices() -> tuple[tuple[str, str], ...]:
    return tuple((code, f"{code} — {currency_name(code)}") for code in sorted(active_codes()))


def currency_choices() -> list[tuple[str, str]]:
    """(code, "EUR — Euro") for select boxes: active codes only, sorted by code."""
    return list(_choices())
