"""Give existing workspaces' built-in roles the "canned_response" and "macro" grants.

New workspaces get them from workspaces.roles.BUILTIN_ROLES; built-in roles cannot be edited, so
without this their rows would keep lacking them. The grants are written out rather than
imported, so this migration keeps meaning what it meant when it landed.
"""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
WRITE = {"view": "all", "create": "all", "edit": "all", "delete": "all"}
VIEW = {"view": "all"}
GRANTS = {
    "owner": FULL,
    "admin": FULL,
    "manager": WRITE,
    "marketer": VIEW,
    "sales_rep": VIEW,
    "support_agent": VIEW,
    "read_only": VIEW,
}
TYPES = ("canned_response", "macro")


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        missing = {t: dict(GRANTS[role.key]) for t in TYPES if t not in role.grants}
        if missing:
            role.grants = {**role.grants, **missing}
            role.save(update_fields=["grants"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        if any(t in role.grants for t in TYPES):
            role.grants = {k: v for k, v in role.grants.items() if k not in TYPES}
            role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("macros", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
