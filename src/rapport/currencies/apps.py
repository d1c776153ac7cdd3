"""Currencies: the base currency, dated exchange rates, conversion and money formatting."""

from django.apps import AppConfig


class CurrenciesConfig(AppConfig):
    name = "rapport.currencies"
    label = "currencies"
    # No domain events: nothing reacts to a rate yet, and the CSV import writes its audit entries
    # in bulk (services/rate_import.py), which would have to write the events too.
