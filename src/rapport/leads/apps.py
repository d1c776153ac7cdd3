"""Leads: the lead inbox and converting a lead into a company, a deal and an opportunity."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class LeadsConfig(AppConfig):
    name = "rapport.leads"
    label = "leads"
    nav_items = (NavItem("Leads", "/leads", "inbox", "contact", 15),)

    def ready(self) -> None:
        from rapport.core.events import EventType, register_event_type
        from rapport.leads.services import CONVERTED, UNDONE, Converted

        for name, description in (
            (CONVERTED, "A lead was converted: linked to a company, given a deal, moved on."),
            (UNDONE, "A conversion was undone: its deal and new company went to the bin."),
        ):
            register_event_type(EventType(name, "contact", description, Converted))
