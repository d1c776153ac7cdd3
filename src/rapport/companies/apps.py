"""Companies: customer organisations."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class CompaniesConfig(AppConfig):
    name = "rapport.companies"
    label = "companies"
    nav_items = (NavItem("Companies", "/companies", "building-office", "company", 20),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("company", "A company")
