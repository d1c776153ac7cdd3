"""Territories: rules on a record's address, industry and size that route it to a team."""

from django.apps import AppConfig


class TerritoriesConfig(AppConfig):
    name = "rapport.territories"
    label = "territories"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("territory", "A territory", ("created", "updated", "deleted"))
