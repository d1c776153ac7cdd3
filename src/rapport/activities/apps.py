"""Activities (notes, calls, meetings, emails, tasks) and the record timeline."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class ActivitiesConfig(AppConfig):
    name = "rapport.activities"
    label = "activities"
    nav_items = (
        NavItem("Tasks", "/tasks", "check-circle", "activity", 30),
        NavItem("Activities", "/activities", "clock", "activity", 40),
    )

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("activity", "An activity (note, call, meeting, email or task)")
