"""Writes about workspaces, users and tokens. Every write goes through a function here."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils.text import slugify

from rapport.core.audit import record_change
from rapport.core.errors import Conflict, Invalid
from rapport.core.permissions import Principal, require, system_principal
from rapport.workspaces.models import ApiToken, Membership, Role, User, Workspace
from rapport.workspaces.queries import hash_secret
from rapport.workspaces.roles import BUILTIN_ROLES

TOKEN_PREFIX = "rpt_"  # noqa: S105 - a public marker that makes leaked tokens greppable


def _unique_slug(name: str) -> str:
    base = slugify(name)[:50] or "workspace"
    slug, n = base, 1
    while Workspace.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def create_workspace(name: str, owner: User, slug: str | None = None) -> Workspace:
    """A new workspace with the built-in roles, and `owner` as its first member (role owner)."""
    if not name.strip():
        raise Invalid.on("name", "A workspace needs a name.")
    if slug and Workspace.objects.filter(slug=slug).exists():
        raise Conflict(f"The workspace address {slug!r} is taken.")
    workspace = Workspace.objects.create(name=name.strip(), slug=slug or _unique_slug(name))
    roles = {
        key: Role.objects.create(
            workspace=workspace,
            key=key,
            name=str(spec["name"]),
            is_builtin=True,
            grants=spec["grants"],
        )
        for key, spec in BUILTIN_ROLES.items()
    }
    Membership.objects.create(workspace=workspace, user=owner, role=roles["owner"])
    record_change(
        system_principal(workspace.pk),
        "create",
        "workspace",
        workspace,
        {"name": workspace.name, "slug": workspace.slug},
    )
    return workspace


@transaction.atomic
def add_member(principal: Principal, user: User, role_key: str) -> Membership:
    """Give an existing user a seat in the principal's workspace."""
    require(principal, "create", "user")
    role = Role.objects.filter(workspace_id=principal.workspace_id, key=role_key).first()
    if role is None:
        raise Invalid.on("role", f"No role {role_key!r} in this workspace.")
    membership, created = Membership.objects.get_or_create(
        workspace_id=principal.workspace_id, user=user, defaults={"role": role}
    )
    if not created:
        raise Conflict(f"{user.email} is already a member of this workspace.")
    record_change(principal, "create", "user", user, {"email": user.email, "role": role.key})
    return membership


@transaction.atomic
def create_api_token(principal: Principal, name: str, can_write: bool) -> tuple[ApiToken, str]:
    """A personal token for the acting user; the raw secret is returned once, never stored."""
    if principal.user_id is None:
        raise Invalid.on("user", "Only a user can own an API token.")
    if not name.strip():
        raise Invalid.on("name", "Give the token a name so you can recognise it later.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        name=name.strip()[:100],
        prefix=raw[:12],
        key_hash=hash_secret(raw),
        can_write=can_write,
    )
    record_change(principal, "create", "token", token, {"name": token.name, "can_write": can_write})
    return token, raw
