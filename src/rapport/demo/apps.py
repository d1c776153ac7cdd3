"""Demo data and developer commands: `rapport demo`, `rapport createworkspace`, `rapport runall`."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "rapport.demo"
    label = "demo"
