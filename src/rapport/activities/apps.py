"""Activities (notes, calls, meetings, emails, tasks) and the record timeline."""

from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "rapport.activities"
    label = "activities"
