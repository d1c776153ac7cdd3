"""The money of line items: each line's net, tax and total, and the totals of a list of lines.

Rounding happens in exactly two places, both per line and half up to cents:

1. net = quantity x unit price x (1 - discount / 100), computed exactly, then rounded;
2. tax = net (already rounded) x tax rate / 100, then rounded.

Everything else is an exact sum of those rounded figures: a line's total is net + tax, the
subtotal is the sum of the nets (a deal with line items has it as its amount, before tax), the
tax of one rate is the sum of its lines' taxes, and the total is subtotal + tax. So a quote's
lines always add up to its totals, to the cent.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

# Room for any quantity times any price (both at most 18 digits) before the one rounding.
WIDE = decimal.Context(prec=60, rounding=ROUND_HALF_UP)
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def _cents(value: Decimal) -> Decimal:
    rounded = value.quantize(CENT, context=WIDE)
    return rounded.copy_abs() if rounded.is_zero() else rounded  # no "-0.00"


@dataclass(frozen=True)
class LineAmounts:
    """One line's figures, each with two decimals."""

    net: Decimal
    tax: Decimal

    @property
    def total(self) -> Decimal:
        return self.net + self.tax


def line_amounts(
    quantity: Decimal, unit_price: Decimal, discount_percent: Decimal, tax_rate: Decimal
) -> LineAmounts:
    gross = WIDE.multiply(quantity, unit_price)
    kept = WIDE.subtract(HUNDRED, discount_percent)
    net = _cents(WIDE.divide(WIDE.multiply(gross, kept), HUNDRED))
    tax = _cents(WIDE.divide(WIDE.multiply(net, tax_rate), HUNDRED))
    return LineAmounts(net, tax)


@dataclass(frozen=True)
class TaxLine:
    """The lines taxed at one rate: their net and their tax."""

    rate: Decimal
    net: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    subtotal: Decimal  # the sum of the nets, before tax
    taxes: tuple[TaxLine, ...]  # by rate, lowest first; rates with no tax are listed too
    tax: Decimal
    total: Decimal


def totals(lines: Iterable[tuple[Decimal, LineAmounts]]) -> Totals:
    """The totals of (tax rate, amounts) pairs."""
    by_rate: dict[Decimal, tuple[Decimal, Decimal]] = {}
    for rate, amounts in lines:
        net, tax = by_rate.get(rate, (Decimal("0.00"), Decimal("0.00")))
        by_rate[rate] = (net + amounts.net, tax + amounts.tax)
    taxes = tuple(TaxLine(rate, net, tax) for rate, (net, tax) in sorted(by_rate.items()))
    subtotal = sum((t.net for t in taxes), Decimal("0.00"))
    tax = sum((t.tax for t in taxes), Decimal("0.00"))
    return Totals(subtotal, taxes, tax, subtotal + tax)
