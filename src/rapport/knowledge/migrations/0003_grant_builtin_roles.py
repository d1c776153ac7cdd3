"""Give existing workspaces' built-in roles their "article" grant (support agents and managers
write the knowledge base, admins delete, everyone reads). New workspaces get it from
workspaces.roles.BUILTIN_ROLES; built-in roles cannot be edited, so without this their rows
would lack it. The grants are written out so this migration keeps meaning what it meant."""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
WRITE = {"view": "all", "create": "all", "edit": "all"}
VIEW = {"view": "all"}
GRANTS = {
    "article": {
        "owner": FULL, "admin": FULL, "manager": WRITE, "support_agent": WRITE,
        "sales_rep": VIEW, "marketer": VIEW, "read_only": VIEW,
    },
}  # fmt: skip


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True):
        missing = {
            t: dict(g[role.key]) for t, g in GRANTS.items() if role.key in g and t not in role.grants
        }
        if missing:
            role.grants = {**role.grants, **missing}
            role.save(update_fields=["grants"])


def revoke(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True):
        kept = {k: v for k, v in role.grants.items() if k not in GRANTS}
        if kept != role.grants:
            role.grants = kept
            role.save(update_fields=["grants"])


class Migration(migrations.Migration):
    dependencies = [
        ("knowledge", "0002_fulltext_index"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
