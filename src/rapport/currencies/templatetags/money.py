"""Money in templates: `{{ amount|money:currency }}` ("€1,234.50"),
`{{ amount|money_short:currency }}` ("€1.2M") for board column totals, and
`{{ rate|plain_number }}` ("1.085")."""

from __future__ import annotations

from decimal import Decimal

from django import template

from rapport.currencies.decimals import decimal_text
from rapport.currencies.formatting import format_money, format_money_short

register = template.Library()


@register.filter
def money(amount: object, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def money_short(amount: object, currency: str) -> str:
    return format_money_short(amount, currency)


@register.filter
def plain_number(value: Decimal) -> str:
    """A rate as plain digits: 1.0850000000 -> "1.085"."""
    return decimal_text(value)
