"""Custom fields: per-workspace field definitions and validation of their values."""

from django.apps import AppConfig


class CustomfieldsConfig(AppConfig):
    name = "rapport.customfields"
    label = "customfields"
