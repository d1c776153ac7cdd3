"""Tags: workspace-wide labels on records."""

from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "rapport.tags"
    label = "tags"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("tag", "A tag", ("created", "updated", "deleted"))
