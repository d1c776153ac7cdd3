"""Saved views: named list configurations (columns, filters, sort) of one object type."""

from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "rapport.savedviews"
    label = "savedviews"

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("saved_view", "A saved view", ("created", "updated", "deleted"))
