"""Deals: pipelines, their stages, and the deals that move through them."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class DealsConfig(AppConfig):
    name = "rapport.deals"
    label = "deals"
    nav_items = (NavItem("Deals", "/deals", "currency-dollar", "deal", 25),)

    def ready(self) -> None:
        from rapport.core.events import EventType, register_event_type, register_record_events
        from rapport.deals.services import STAGE_CHANGED, StageChanged

        register_record_events("deal", "A deal")
        register_record_events("pipeline", "A pipeline", ("created", "updated", "deleted"))
        register_event_type(
            EventType(
                STAGE_CHANGED,
                "deal",
                "A deal moved to another stage (also on creation, from no stage); a won or "
                "lost `kind` means it closed.",
                StageChanged,
            )
        )
