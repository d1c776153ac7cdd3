"""Give existing workspaces' built-in roles their "commission_plan" and "commission_statement"
grants (admins write plans, managers read them and approve their team's statements, reps see
their own). New workspaces get them from workspaces.roles.BUILTIN_ROLES; built-in roles cannot
be edited, so without this their rows would lack them. The grants are written out so this
migration keeps meaning what it meant."""

from typing import Any

from django.db import migrations

FULL = {a: "all" for a in ("view", "create", "edit", "delete", "export", "import")}
GRANTS = {
    "commission_plan": {"owner": FULL, "admin": FULL, "manager": {"view": "all"}},
    "commission_statement": {
        "owner": FULL, "admin": FULL,
        "manager": {"view": "all", "edit": "team", "export": "all"},
        "sales_rep": {"view": "own", "export": "own"},
    },
}  # fmt: skip


def grant(apps: Any, schema_editor: Any) -> None:
    Role = apps.get_model("workspaces", "Role")
    for role in Role.objects.filter(is_builtin=True):
        missing = {
            t: dict(g[role.key])
            for t, g in GRANTS.items()
            if role.key in g and t not in role.grants
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
        ("commissions", "0001_initial"),
        ("workspaces", "0001_initial"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
