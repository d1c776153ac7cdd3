"""Random but valid E.164 phone numbers for a country, checked with phonenumbers."""

from __future__ import annotations

import random

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType


def random_phone(rng: random.Random, country: str, *, mobile: bool) -> str:
    """A valid number of `country` (ISO alpha-2): its example number with random last digits."""
    kind = PhoneNumberType.MOBILE if mobile else PhoneNumberType.FIXED_LINE
    example = phonenumbers.example_number_for_type(country, kind)
    if example is None:
        raise ValueError(f"phonenumbers has no example number for {country!r}")
    national = str(example.national_number)
    keep = max(2, len(national) - 6)  # keep the area or mobile prefix, vary the subscriber part
    for _ in range(50):
        digits = "".join(str(rng.randrange(10)) for _ in range(len(national) - keep))
        number = phonenumbers.parse(f"+{example.country_code}{national[:keep]}{digits}")
        if (
            phonenumbers.is_valid_number(number)
            and phonenumbers.region_code_for_number(number) == country
        ):
            return phonenumbers.format_number(number, PhoneNumberFormat.E164)
    return phonenumbers.format_number(example, PhoneNumberFormat.E164)
