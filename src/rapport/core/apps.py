"""Core plumbing: tenancy, permissions, errors, audit. Imports no domain app."""

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"
