"""Custom fields: per-workspace field definitions and validation of their values."""

from django.apps import AppConfig


class CustomfieldsConfig(AppConfig):
    name = "rapport.customfields"
    label = "customfields"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events(
            "custom_field", "A custom field definition", ("created", "updated", "deleted")
        )
