"""Contacts: the people a workspace deals with."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class ContactsConfig(AppConfig):
    name = "rapport.contacts"
    label = "contacts"
    nav_items = (NavItem("Contacts", "/contacts", "user", "contact", 10),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("contact", "A contact")
