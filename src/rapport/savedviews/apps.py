"""Saved views: named list configurations (columns, filters, sort) of one object type."""

from django.apps import AppConfig


class SavedViewsConfig(AppConfig):
    name = "rapport.savedviews"
    label = "savedviews"
