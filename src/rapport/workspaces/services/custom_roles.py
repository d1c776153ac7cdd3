"""Writes about custom roles: create, update and delete. Built-in roles are read-only."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Membership, Role
from rapport.workspaces.queries import get_role, pending_invitations
from rapport.workspaces.roles import validate_grants


def _clean(name: str, grants: Any) -> str:
    problems = validate_grants(grants)
    if problems:
        raise Invalid(problems[0], [FieldError(("grants",), p) for p in problems])
    if not name.strip():
        raise Invalid.on("name", "A role needs a name.")
    return name.strip()[:100]


def _editable(principal: Principal, role_id: int) -> Role:
    role = get_role(principal, role_id)
    if role.is_builtin:
        raise Conflict(f"{role.name} is a built-in role and cannot be changed or deleted.")
    return role


@transaction.atomic
def create_role(principal: Principal, name: str, grants: dict[str, dict[str, str]]) -> Role:
    require(principal, "create", "role")
    name = _clean(name, grants)
    key = slugify(name).replace("-", "_")[:60]
    if not key:
        raise Invalid.on("name", "A role's name needs at least one letter or digit.")
    if Role.objects.filter(workspace_id=principal.workspace_id, key=key).exists():
        raise Conflict(f"A role with the key {key!r} already exists.")
    role = Role.objects.create(
        workspace_id=principal.workspace_id, key=key, name=name, grants=grants
    )
    record_change(principal, "create", "role", role, {"key": key, "name": name, "grants": grants})
    return role


@transaction.atomic
def update_role(
    principal: Principal,
    role_id: int,
    name: str | None = None,
    grants: dict[str, dict[str, str]] | None = None,
) -> Role:
    """Rename a custom role or replace its grants; members have them from their next request."""
    require(principal, "edit", "role")
    role = _editable(principal, role_id)
    before = {"name": role.name, "grants": role.grants}
    role.name = _clean(
        role.name if name is None else name, role.grants if grants is None else grants
    )
    if grants is not None:
        role.grants = grants
    changes = diff(before, {"name": role.name, "grants": role.grants})
    if changes:
        role.save(update_fields=["name", "grants"])
        record_change(principal, "edit", "role", role, changes)
    return role


@transaction.atomic
def delete_role(principal: Principal, role_id: int) -> None:
    require(principal, "delete", "role")
    role = _editable(principal, role_id)
    if Membership.objects.filter(role=role).exists():
        raise Conflict(f"{role.name} is held by members; give them another role first.")
    if pending_invitations(principal.workspace_id).filter(role=role).exists():
        raise Conflict(f"{role.name} is offered by pending invitations; revoke them first.")
    record_change(principal, "delete", "role", role, {"key": role.key, "name": role.name})
    role.delete()
