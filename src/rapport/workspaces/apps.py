"""Workspaces (tenants), users, memberships, roles, teams, invitations and API tokens."""

from django.apps import AppConfig

from rapport.core.pages import NavItem


class WorkspacesConfig(AppConfig):
    name = "rapport.workspaces"
    label = "workspaces"
    # Admins see Settings in the sidebar; every member reaches their API tokens from the user menu.
    nav_items = (NavItem("Settings", "/settings", "cog-6-tooth", "workspace", 900),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events

        register_record_events("workspace", "The workspace profile", ("updated",))
        register_record_events("user", "A member", ("created", "updated", "deleted"))
        register_record_events("team", "A team", ("created", "updated", "deleted"))
        register_record_events("role", "A role", ("created", "updated", "deleted"))
        register_record_events("invitation", "An invitation", ("created", "deleted", "accepted"))
