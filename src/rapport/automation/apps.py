"""Automation: workflows (trigger, conditions, steps), their versions, runs and run history."""

import datetime as dt

from django.apps import AppConfig

from rapport.core.pages import NavItem


class AutomationConfig(AppConfig):
    name = "rapport.automation"
    label = "automation"
    nav_items = (NavItem("Workflows", "/workflows", "bolt", "workflow", 800),)

    def ready(self) -> None:
        from rapport.core.events import register_consumer, register_record_events
        from rapport.core.scheduler import register_schedule

        register_record_events("workflow", "A workflow")
        register_consumer("automation", "rapport.automation.consumers.handle_event")
        register_schedule(
            "workflow-wake", "rapport.automation.engine.wake_runs", dt.timedelta(seconds=5)
        )
        register_schedule(
            "workflow-time-triggers",
            "rapport.automation.time_triggers.fire_time_triggers",
            dt.timedelta(minutes=1),
        )
