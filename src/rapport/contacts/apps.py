"""Contacts: the people a workspace deals with."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class ContactsConfig(AppConfig):
    name = "rapport.contacts"
    label = "contacts"
    nav_items = (NavItem("Contacts", "/contacts", "user", "contact", 10),)
