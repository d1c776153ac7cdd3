"""Tags: workspace-wide labels on records."""

from django.apps import AppConfig


class TagsConfig(AppConfig):
    name = "rapport.tags"
    label = "tags"
