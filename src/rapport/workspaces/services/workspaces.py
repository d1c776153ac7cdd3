"""Writes about workspaces and seats: creating a workspace, first-run setup, adding members."""

from __future__ import annotations

import dataclasses

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from rapport.core.audit import record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.permissions import Principal, require, system_principal
from rapport.workspaces.models import Membership, Role, User, Workspace
from rapport.workspaces.queries import has_any_workspace
from rapport.workspaces.roles import BUILTIN_ROLES


def self_service_principal(workspace_id: int, user: User) -> Principal:
    """The actor for a user acting on their own login (accepting, resetting) outside a seat."""
    return dataclasses.replace(
        system_principal(workspace_id), user_id=user.pk, extra={"label": str(user)}
    )


def check_password(password: str, user: User, loc: str = "password") -> None:
    """Django's password validators, as an Invalid on `loc`."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise Invalid(exc.messages[0], [FieldError((loc,), m) for m in exc.messages]) from exc


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
def set_up_first_workspace(
    workspace_name: str, email: str, full_name: str, password: str
) -> tuple[Workspace, User]:
    """First run: the first workspace and its owner. NotFound once any workspace exists."""
    if has_any_workspace():
        raise NotFound("Rapport is already set up.")
    if not workspace_name.strip():
        raise Invalid.on("workspace_name", "A workspace needs a name.")
    user = User(email=email.strip().lower(), full_name=full_name.strip()[:200])
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        raise Invalid.on("email", "Enter a valid email address.") from exc
    check_password(password, user)
    user.set_password(password)
    user.save()
    return create_workspace(workspace_name, user), user
