"""Seeded Faker people and company domains in a handful of countries, for the demo data."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from faker import Faker

from rapport.demo.phone_numbers import random_phone

# country: (Faker locale, currency, top-level domain, weight)
COUNTRIES: dict[str, tuple[str, str, str, int]] = {
    "US": ("en_US", "USD", "com", 40),
    "GB": ("en_GB", "GBP", "co.uk", 15),
    "DE": ("de_DE", "EUR", "de", 12),
    "FR": ("fr_FR", "EUR", "fr", 8),
    "CA": ("en_CA", "CAD", "ca", 8),
    "AU": ("en_AU", "AUD", "com.au", 7),
    "NL": ("nl_NL", "EUR", "nl", 5),
    "ES": ("es_ES", "EUR", "es", 5),
}
FREE_MAIL_DOMAINS = ("gmail.com", "outlook.com", "yahoo.com", "proton.me", "icloud.com")
_LEGAL_SUFFIXES = re.compile(
    r"\b(inc|llc|ltd|plc|group|gmbh|ag|kg|co|and|sons|s\.?a\.?|sarl|sas|bv|nv|s\.?l\.?|pty)\b",
    re.IGNORECASE,
)


def ascii_slug(text: str, sep: str = "") -> str:
    """Lower-case ASCII letters and digits only: 'Müller & Söhne' -> 'mullersohne'."""
    text = text.replace("ß", "ss")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return sep.join(re.findall(r"[a-z0-9]+", plain))


def company_domain(name: str, country: str, used: set[str]) -> str:
    """A unique, plausible web domain for a company name, under the country's TLD."""
    stem = ascii_slug(_LEGAL_SUFFIXES.sub(" ", name), sep="-")[:40].strip("-") or "company"
    tld = COUNTRIES[country][2]
    domain, n = f"{stem}.{tld}", 1
    while domain in used:
        n += 1
        domain = f"{stem}{n}.{tld}"
    used.add(domain)
    return domain


@dataclass
class Person:
    first_name: str
    last_name: str
    job_title: str
    city: str
    country: str
    emails: list[str]  # the first is the primary one
    phones: list[tuple[str, str]]  # (E.164, kind); the first is the primary one


class PersonMaker:
    """Deterministic: the same seed makes the same people in the same order."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self._fakes: dict[str, Faker] = {}
        for i, (country, (locale, _, _, _)) in enumerate(COUNTRIES.items()):
            fake = Faker(locale)
            fake.seed_instance(seed + i)
            self._fakes[country] = fake
        self._used_emails: set[str] = set()

    def fake_for(self, country: str) -> Faker:
        return self._fakes[country]

    def currency(self, country: str) -> str:
        return COUNTRIES[country][1]

    def pick_country(self) -> tuple[str, Faker]:
        countries = list(COUNTRIES)
        weights = [spec[3] for spec in COUNTRIES.values()]
        country = self.rng.choices(countries, weights=weights)[0]
        return country, self._fakes[country]

    def _unique_email(self, local: str, domain: str) -> str:
        email, n = f"{local}@{domain}", 1
        while email in self._used_emails:
            n += 1
            email = f"{local}{n}@{domain}"
        self._used_emails.add(email)
        return email

    def person(self, country: str | None, work_domain: str | None) -> Person:
        """Someone at a company in `country` with a `work_domain` address, or a private person."""
        if country is None:
            country, fake = self.pick_country()
        else:
            fake = self._fakes[country]
        first, last = fake.first_name(), fake.last_name()
        local = ".".join(p for p in (ascii_slug(first), ascii_slug(last)) if p) or "contact"
        domain = work_domain or self.rng.choice(FREE_MAIL_DOMAINS)
        emails = [self._unique_email(local, domain)]
        if work_domain and self.rng.random() < 0.2:
            emails.append(self._unique_email(local, self.rng.choice(FREE_MAIL_DOMAINS)))
        phones = [(random_phone(self.rng, country, mobile=True), "mobile")]
        if work_domain and self.rng.random() < 0.4:
            phones.append((random_phone(self.rng, country, mobile=False), "work"))
        return Person(
            first_name=first,
            last_name=last,
            job_title=fake.job()[:150] if work_domain else "",
            city=fake.city(),
            country=country,
            emails=emails,
            phones=phones,
        )
