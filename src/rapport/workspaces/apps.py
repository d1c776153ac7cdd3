"""Workspaces (tenants), users, memberships, roles, teams, invitations and API tokens."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class WorkspacesConfig(AppConfig):
    name = "rapport.workspaces"
    label = "workspaces"
    # Admins see Settings in the sidebar; every member reaches their API tokens from the user menu.
    nav_items = (NavItem("Settings", "/settings", "cog-6-tooth", "workspace", 900),)
