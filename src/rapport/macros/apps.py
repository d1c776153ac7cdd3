"""Canned responses and macros: reusable replies with merge fields, and one-click ticket changes."""

from django.apps import AppConfig


class MacrosConfig(AppConfig):
    name = "rapport.macros"
    label = "macros"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events(
            "canned_response", "A canned response", ("created", "updated", "deleted")
        )
        register_record_events("macro", "A macro", ("created", "updated", "deleted"))
