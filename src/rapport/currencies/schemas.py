"""Request and response shapes of /api/v1/exchange-rates and /api/v1/currencies.

Rates and amounts are sent and answered as decimal strings ("1.085"), never binary floats.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.currencies.decimals import MAX_AMOUNT, decimal_text
from rapport.currencies.models import ExchangeRate

RATE_HELP = "1 unit of `currency` = `rate` units of the base currency; rounded to 10 places."
CODE = "^[A-Za-z]{3}$"  # an ISO 4217 code; services check it is one in use


class ExchangeRateCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=CODE, description="ISO 4217 code, not the base currency")
    rate_on: dt.date = Field(description="the date the rate takes effect")
    rate: Decimal = Field(description=RATE_HELP)
    source: str | None = Field(None, max_length=40, description='default "manual"')


class ExchangeRateUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    currency: str | None = Field(None, pattern=CODE)
    rate_on: dt.date | None = None
    rate: Decimal | None = Field(None, description=RATE_HELP)
    source: str | None = Field(None, max_length=40)


class ExchangeRateRead(Schema):
    id: int
    currency: str
    rate_on: dt.date
    rate: str = Field(description=RATE_HELP)
    source: str
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def exchange_rate_body(rate: ExchangeRate) -> dict[str, Any]:
    return {
        "id": rate.pk,
        "currency": rate.currency,
        "rate_on": rate.rate_on,
        "rate": decimal_text(rate.rate),
        "source": rate.source,
        "version": rate.version,
        "created_at": rate.created_at,
        "updated_at": rate.updated_at,
    }


class ImportBody(Schema):
    model_config = ConfigDict(extra="forbid")

    csv: str = Field(
        max_length=2_000_000,  # the request body as a whole is capped at 2.5 MB by Django
        description="The file's text: a header `currency,date,rate`, then one rate per row "
        "with the date as YYYY-MM-DD; at most 2,000,000 characters and 50,000 rows.",
    )


class ImportRead(Schema):
    created: int
    updated: int
    unchanged: int


class CurrencyRead(Schema):
    code: str
    name: str


class CurrenciesRead(Schema):
    base_currency: str
    currencies: list[CurrencyRead]


class BaseCurrencyBody(Schema):
    model_config = ConfigDict(extra="forbid")

    currency: str = Field(pattern=CODE, description="ISO 4217 code of the new base currency")


class BaseCurrencyRead(Schema):
    base_currency: str
    previous_base_currency: str
    rates_rebased: int


class ConvertParams(Schema):
    amount: Decimal = Field(gt=-MAX_AMOUNT, lt=MAX_AMOUNT)
    currency: str = Field(pattern=CODE)
    on: dt.date = Field(description="the date whose rate applies")


class ConvertRead(Schema):
    amount: str
    currency: str
    on: dt.date
    base_currency: str
    converted: str = Field(description="in the base currency, rounded half up to cents")
    rate: str
    rate_on: dt.date | None = Field(
        description="the date of the rate used; null for the base currency itself"
    )
