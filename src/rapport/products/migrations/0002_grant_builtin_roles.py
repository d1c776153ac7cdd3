"""Give existing workspaces' built-in roles their "product" grants (owner and admin all;
manager view, create, edit, delete and import; everyone else view). New workspaces get them from
workspaces.roles.BUILTIN_ROLES; built-in roles cannot be edited, so without this their rows
would lack it. The grants are written out so this migration keeps meaning what it meant."""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
GRANTS = {
    "owner": FULL,
    "admin": FULL,
    "manager": {"view": "all", "create": "all", "edit": "all", "delete": "all", "import": "all"},
    "marketer": {"view": "all"},
    "sales_rep": {"view": "all"},
    "support_agent": {"view": "all"},
    "read_only": {"view": "all"},
}


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        if "product" not in role.grants:
            role.grants = {**role.grants, "product": dict(GRANTS[role.key])}
            role.save(update_fields=["grants"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        if "product" in role.grants:
            role.grants = {k: v for k, v in role.grants.items() if k != "product"}
            role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("products", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
