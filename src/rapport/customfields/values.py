"""Normalising one value of each field type; shared by custom fields and record fields.

Each normaliser takes the raw JSON value and returns what is stored, or raises ValueError with
a message for the user. Stored forms are JSON-friendly and sort well: decimals as strings,
dates and datetimes as ISO 8601 (datetimes in UTC), phones in E.164, emails lower-case.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
from collections.abc import Callable
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from email_validator import EmailNotValidError, validate_email

MAX_TEXT = 1000
MAX_LONG_TEXT = 20000
MAX_SAFE_INTEGER = 2**53 - 1  # JSON numbers beyond this lose precision in JavaScript clients
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_url_validator = URLValidator(schemes=["http", "https"])


def normalise_email(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("Enter an email address.")
    try:
        result = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"{raw!r} is not a valid email address.") from exc
    return result.normalized.lower()


def normalise_phone(raw: Any, region: str) -> str:
    """E.164 (+4930123456); numbers without a country code are read in `region`."""
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("Enter a phone number.")
    try:
        number = phonenumbers.parse(raw.strip(), region.upper() or None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(f"{raw!r} is not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(f"{raw!r} is not a valid phone number.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalise_url(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValueError("Enter a web address.")
    value = raw.strip()
    try:
        _url_validator(value)
    except ValidationError as exc:
        raise ValueError(f"{raw!r} is not a valid http(s) web address.") from exc
    return value


def _text(limit: int) -> Callable[[Any], str]:
    def clean(raw: Any) -> str:
        if not isinstance(raw, str):
            raise ValueError("Enter text.")
        if len(raw) > limit:
            raise ValueError(f"At most {limit} characters.")
        return raw.strip()

    return clean


def normalise_integer(raw: Any) -> int:
    if isinstance(raw, bool):
        raise ValueError("Enter a whole number.")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and re.fullmatch(r"\s*-?\d+\s*", raw):
        raw = int(raw)
    if not isinstance(raw, int):
        raise ValueError("Enter a whole number.")
    if abs(raw) > MAX_SAFE_INTEGER:
        raise ValueError("The number is too large.")
    return raw


def normalise_decimal(raw: Any) -> str:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str):
        raise ValueError("Enter a number.")
    try:
        value = decimal.Decimal(str(raw).strip())
    except decimal.InvalidOperation as exc:
        raise ValueError("Enter a number.") from exc
    if not value.is_finite() or value.adjusted() > 17:
        raise ValueError("Enter a finite number below 10^18.")
    return str(value)


def normalise_currency_code(raw: Any) -> str:
    if not isinstance(raw, str) or not _CURRENCY.match(raw.strip().upper()):
        raise ValueError("Use a three-letter ISO 4217 currency code.")
    return raw.strip().upper()


def normalise_date(raw: Any) -> str:
    try:
        return dt.date.fromisoformat(str(raw)).isoformat()
    except ValueError as exc:
        raise ValueError("Enter a date as YYYY-MM-DD.") from exc


def normalise_datetime(raw: Any) -> str:
    try:
        value = dt.datetime.fromisoformat(str(raw))
    except ValueError as exc:
        raise ValueError("Enter a date and time in ISO 8601.") from exc
    if value.tzinfo is None:
        raise ValueError("Include a time zone offset, e.g. 2024-05-01T09:30:00+02:00.")
    return value.astimezone(dt.UTC).isoformat(timespec="seconds")


def normalise_boolean(raw: Any) -> bool:
    if not isinstance(raw, bool):
        raise ValueError("Enter true or false.")
    return raw


TEXT_NORMALISERS: dict[str, Callable[[Any], Any]] = {
    "text": _text(MAX_TEXT),
    "long_text": _text(MAX_LONG_TEXT),
    "integer": normalise_integer,
    "decimal": normalise_decimal,
    "date": normalise_date,
    "datetime": normalise_datetime,
    "boolean": normalise_boolean,
    "url": normalise_url,
    "email": normalise_email,
}


def normalise_text(raw: Any, limit: int) -> str:
    """Optional single-line text: None becomes "", surrounding space is dropped."""
    if raw is None:
        return ""
    return _text(limit)(raw)


def normalise_country(raw: Any) -> str:
    """An ISO 3166-1 alpha-2 code, upper-case; "" when empty."""
    if raw is None or raw == "":
        return ""
    if not isinstance(raw, str) or not re.fullmatch(r"[A-Za-z]{2}", raw.strip()):
        raise ValueError("Use a two-letter ISO 3166 country code.")
    return raw.strip().upper()
