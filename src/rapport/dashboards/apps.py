"""Dashboards: the sales dashboard (pipeline, win rate, deal size, sales cycle, forecast against
quota, top deals) with its charts."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class DashboardsConfig(AppConfig):
    name = "rapport.dashboards"
    label = "dashboards"
    nav_items = (NavItem("Dashboard", "/dashboards/sales", "presentation-chart-line", "deal", 5),)
