"""Give existing workspaces' built-in owner, admin and manager roles the "saved_view" grant.

New workspaces get it from workspaces.roles.BUILTIN_ROLES; built-in roles cannot be edited, so
without this their rows would keep lacking it. The actions are written out rather than imported,
so this migration keeps meaning what it meant when it landed.
"""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
ROLE_KEYS = ("owner", "admin", "manager")


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=ROLE_KEYS):
        if "saved_view" not in role.grants:
            role.grants = {**role.grants, "saved_view": dict(FULL)}
            role.save(update_fields=["grants"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=ROLE_KEYS):
        if "saved_view" in role.grants:
            role.grants = {k: v for k, v in role.grants.items() if k != "saved_view"}
            role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("savedviews", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
