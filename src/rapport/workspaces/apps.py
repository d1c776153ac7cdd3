"""Workspaces (tenants), users, memberships, roles, teams, invitations and API tokens."""

from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "rapport.workspaces"
    label = "workspaces"
