"""Commissions: plans, their assignment to reps, monthly statements, approval and export."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class CommissionsConfig(AppConfig):
    name = "rapport.commissions"
    label = "commissions"
    nav_items = (NavItem("Commissions", "/commissions", "banknotes", "commission_statement", 35),)

    def ready(self) -> None:
        from rapport.commissions.events import register_statement_events
        from rapport.core.events import register_consumer, register_record_events

        register_record_events(
            "commission_plan", "A commission plan", ("created", "updated", "deleted")
        )
        register_statement_events()
        register_consumer("commissions", "rapport.commissions.consumers.handle_event")
