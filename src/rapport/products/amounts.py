"""Reading money and percentages as the catalogue stores them; shared by services and pages.

Each normaliser takes a raw value (JSON number or string, a form's text, a Decimal) and returns
what is stored, or raises ValueError with a message for the user.

Currency codes must be active ISO 4217 codes (`currencies.codes.is_currency`), stored upper-case.
"""

from __future__ import annotations

import decimal
import re
from typing import Any

from rapport.currencies.codes import is_currency

_CURRENCY = re.compile(r"^[A-Z]{3}$")
# Prices stay below 10^13 although the columns hold 16 digits before the point: SQLite stores a
# decimal as a float, which keeps 15 significant digits, so this keeps every cent on both databases.
MAX_PRICE = decimal.Decimal(10) ** 13
_CENT = decimal.Decimal("0.01")


def normalise_currency(raw: Any) -> str:
    """ "EUR" from "EUR" or " eur "; anything but three letters is refused."""
    code = raw.strip().upper() if isinstance(raw, str) else ""
    if not _CURRENCY.match(code) or not is_currency(code):
        raise ValueError("Use a three-letter currency code like EUR.")
    return code


def _decimal(raw: Any) -> decimal.Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | decimal.Decimal):
        raise ValueError("Enter a number.")
    try:
        value = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation as exc:
        raise ValueError("Enter a number.") from exc
    if not value.is_finite():
        raise ValueError("Enter a number.")
    return value


def _cents(value: decimal.Decimal) -> decimal.Decimal:
    """The value with exactly two decimals; more than two is refused, never rounded."""
    if value != value.quantize(_CENT, rounding=decimal.ROUND_DOWN):
        raise ValueError("Use at most 2 decimal places.")
    cents = value.quantize(_CENT)
    return cents.copy_abs() if cents.is_zero() else cents  # no "-0.00"


def normalise_unit_price(raw: Any) -> decimal.Decimal:
    """A price of zero or more, below 10^13, with at most two decimals (120, "120.5", 1e3)."""
    value = _decimal(raw)
    if value < 0:
        raise ValueError("Enter zero or more.")
    if value >= MAX_PRICE:
        raise ValueError("Enter a price below 10^13.")
    return _cents(value)


def normalise_tax_rate(raw: Any) -> decimal.Decimal:
    """A percentage from 0 to 100 with at most two decimals; empty means 0."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return decimal.Decimal("0.00")
    value = _decimal(raw)
    if not 0 <= value <= 100:
        raise ValueError("Enter a percentage from 0 to 100.")
    return _cents(value)
