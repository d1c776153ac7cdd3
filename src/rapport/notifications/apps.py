"""Notifications: the in-app notification centre and notification emails, per-kind choices."""

import datetime as dt

from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "rapport.notifications"
    label = "notifications"

    def ready(self) -> None:
        from rapport.core.events import register_consumer
        from rapport.core.scheduler import register_schedule

        register_consumer("notifications", "rapport.notifications.consumers.handle_event")
        register_schedule(
            "remind-due-tasks",
            "rapport.notifications.services.remind_due_tasks",
            dt.timedelta(minutes=1),
        )
