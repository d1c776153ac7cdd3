"""Give existing workspaces' built-in roles the "email_template" grant.

New workspaces get it from workspaces.roles.BUILTIN_ROLES; built-in roles cannot be edited, so
without this their rows would keep lacking it. The grants are written out rather than imported,
so this migration keeps meaning what it meant when it landed.
"""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
WRITE = {"view": "all", "create": "all", "edit": "all"}
VIEW = {"view": "all"}
GRANTS = {
    "owner": FULL,
    "admin": FULL,
    "manager": WRITE,
    "marketer": WRITE,
    "sales_rep": VIEW,
    "support_agent": VIEW,
    "read_only": VIEW,
}


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        if "email_template" not in role.grants:
            role.grants = {**role.grants, "email_template": dict(GRANTS[role.key])}
            role.save(update_fields=["grants"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True, key__in=GRANTS):
        if "email_template" in role.grants:
            role.grants = {k: v for k, v in role.grants.items() if k != "email_template"}
            role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("emailtemplates", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
