"""Money as people read it, in English: "€1,234.50", "CHF 1,234.50", and short "€1.2M".

babel knows each currency's symbol and digits (¥ has none). A symbol made of letters ("CHF",
"XYZ" for a code babel does not know) gets a space before the number, as in "CHF 1,234.50".
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency, format_decimal, get_currency_symbol

from rapport.currencies.codes import LOCALE, normalise

EMPTY = "—"
# Each unit is used once the number would reach 1,000 of the one before ("€999", "€1K").
UNITS = ((3, "K"), (6, "M"), (9, "B"), (12, "T"))
TENTH = Decimal("0.1")


def _decimal(amount: object) -> Decimal | None:
    if amount is None or amount == "" or isinstance(amount, bool):
        return None
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except decimal.InvalidOperation:
        return None
    return value if value.is_finite() else None


def _symbol(code: str) -> str:
    symbol = str(get_currency_symbol(code, locale=LOCALE))
    return f"{symbol} " if symbol[-1:].isalpha() else symbol


def format_money(amount: object, currency: str) -> str:
    """`amount` with its currency's symbol and digits; "—" for no amount."""
    value = _decimal(amount)
    if value is None:
        return EMPTY
    code = normalise(currency)
    text = str(format_currency(value, code, locale=LOCALE))
    symbol = str(get_currency_symbol(code, locale=LOCALE))
    return text.replace(symbol, _symbol(code), 1)


def format_money_short(amount: object, currency: str) -> str:
    """A compact total for a board column: "€1.2M", "$350K", "CHF 950"; "—" for no amount."""
    value = _decimal(amount)
    if value is None:
        return EMPTY
    size = abs(value)
    number, suffix = size.quantize(Decimal(1), rounding=ROUND_HALF_UP), ""
    for exponent, unit in UNITS:
        if number < 1000:
            break
        number, suffix = size.scaleb(-exponent).quantize(TENTH, rounding=ROUND_HALF_UP), unit
    sign = "-" if value < 0 and number else ""
    digits = str(format_decimal(number, format="#,##0.#", locale=LOCALE))
    return f"{sign}{_symbol(normalise(currency))}{digits}{suffix}"
