"""Quotes: numbered, versioned offers made from a deal's line items, sent as HTML and PDF and
accepted or declined by the customer through a signed link."""

import datetime as dt

from django.apps import AppConfig


class QuotesConfig(AppConfig):
    name = "rapport.quotes"
    label = "quotes"

    def ready(self) -> None:
        from rapport.core.events import register_record_events
        from rapport.core.scheduler import register_schedule
        from rapport.quotes.events import register_quote_events

        register_record_events("quote", "A quote (or a new version of one)", ("created",))
        register_quote_events()
        register_schedule(
            "expire-quotes", "rapport.quotes.services.expire_quotes", dt.timedelta(minutes=15)
        )
