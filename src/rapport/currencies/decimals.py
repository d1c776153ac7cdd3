"""Reading and writing the decimals of this app: rates (10 places) and money (2 places).

Arithmetic runs in `WIDE`, a context with room for any amount times any rate, so a product is
exact before it is rounded once (the default context keeps 28 digits and would round silently).
"""

from __future__ import annotations

import decimal
from decimal import ROUND_HALF_UP, Decimal

WIDE = decimal.Context(prec=80, rounding=ROUND_HALF_UP)
RATE_PLACES = Decimal("1E-10")  # ExchangeRate.rate: decimal_places=10
MAX_RATE = Decimal(10) ** 10  # and max_digits=20: at most 10 digits before the point
CENT = Decimal("0.01")
MAX_AMOUNT = Decimal(10) ** 18  # amounts beyond this are refused by the API, not converted


def decimal_text(value: Decimal) -> str:
    """Plain digits, no trailing zeros or exponent: 1.0850000000 -> "1.085", 1E+2 -> "100"."""
    return format(value.normalize(WIDE), "f")


def parse_rate(raw: object) -> Decimal:
    """A rate as stored (rounded half up to 10 places); ValueError says what is wrong."""
    if isinstance(raw, bool):
        raise ValueError("Write the rate as a number, e.g. 1.0850.")
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except decimal.InvalidOperation as exc:
        raise ValueError("Write the rate as a number, e.g. 1.0850.") from exc
    if not value.is_finite():
        raise ValueError("Write the rate as a number, e.g. 1.0850.")
    if value <= 0:
        raise ValueError("A rate is more than 0.")
    if value >= MAX_RATE:
        raise ValueError("A rate is less than 10,000,000,000.")
    rounded = value.quantize(RATE_PLACES, context=WIDE)
    if rounded == 0:
        raise ValueError("The rate is too small: it rounds to 0 at 10 decimal places.")
    return rounded


def rebased(rate: Decimal, base_rate: Decimal) -> Decimal | None:
    """rate / base_rate as a stored rate, or None when the result is out of the column's range."""
    value = WIDE.divide(rate, base_rate).quantize(RATE_PLACES, context=WIDE)
    return value if 0 < value < MAX_RATE else None


def quantize_money(value: Decimal) -> Decimal:
    """An amount rounded half up to cents."""
    return value.quantize(CENT, context=WIDE)
