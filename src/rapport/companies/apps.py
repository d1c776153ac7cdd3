"""Companies: customer organisations."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class CompaniesConfig(AppConfig):
    name = "rapport.companies"
    label = "companies"
    nav_items = (NavItem("Companies", "/companies", "building-office", "company", 20),)
