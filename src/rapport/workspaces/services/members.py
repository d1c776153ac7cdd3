"""Writes about members: changing a member's role, deactivating and reactivating them, and
marking them away.

A deactivated member keeps their history but can no longer act in the workspace: sessions and
tokens are refused on the next request, because every request resolves the Principal afresh.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rapport.core.audit import record_change
from rapport.core.errors import Conflict, Forbidden, Invalid
from rapport.core.permissions import Principal, require
from rapport.workspaces.models import Membership, Role, User
from rapport.workspaces.queries import get_member, workspace_today

OWNER = "owner"


def is_owner(principal: Principal) -> bool:
    return principal.is_system or principal.extra.get("role") == OWNER


def _guard_owner_seat(principal: Principal, membership: Membership) -> None:
    """Only owners may change an owner's seat, and a workspace always keeps one active owner."""
    if membership.role.key != OWNER:
        return
    if not is_owner(principal):
        raise Forbidden("Only an owner can change another owner.")
    others = Membership.objects.filter(
        workspace_id=membership.workspace_id,
        role__key=OWNER,
        is_active=True,
        user__is_active=True,
    ).exclude(pk=membership.pk)
    if not others.exists():
        raise Conflict("A workspace needs at least one active owner; promote someone else first.")


@transaction.atomic
def change_member_role(principal: Principal, user_id: int, role_key: str) -> Membership:
    require(principal, "edit", "user")
    membership = get_member(principal, user_id, for_update=True)
    role = Role.objects.filter(workspace_id=principal.workspace_id, key=role_key).first()
    if role is None:
        raise Invalid.on("role", f"No role {role_key!r} in this workspace.")
    if role.pk == membership.role_id:
        return membership
    if role.key == OWNER and not is_owner(principal):
        raise Forbidden("Only an owner can make someone an owner.")
    _guard_owner_seat(principal, membership)
    before = membership.role.key
    membership.role = role
    membership.save(update_fields=["role"])
    record_change(principal, "edit", "user", membership.user, {"role": [before, role.key]})
    return membership


@transaction.atomic
def deactivate_member(principal: Principal, user_id: int) -> Membership:
    """Take away a member's seat in this workspace; their other workspaces are untouched."""
    require(principal, "edit", "user")
    membership = get_member(principal, user_id, for_update=True)
    if not membership.is_active:
        return membership
    if user_id == principal.user_id:
        raise Conflict("You cannot deactivate yourself.")
    _guard_owner_seat(principal, membership)
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    record_change(principal, "edit", "user", membership.user, {"is_active": [True, False]})
    return membership


@transaction.atomic
def reactivate_member(principal: Principal, user_id: int) -> Membership:
    require(principal, "edit", "user")
    membership = get_member(principal, user_id, for_update=True)
    if membership.is_active:
        return membership
    if membership.role.key == OWNER and not is_owner(principal):
        raise Forbidden("Only an owner can change another owner.")
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    record_change(principal, "edit", "user", membership.user, {"is_active": [False, True]})
    return membership


@transaction.atomic
def deactivate_user(principal: Principal, user_id: int) -> User:
    """Switch a user's login off everywhere (User.is_active); owners only.

    Allowed only for a user who has an active seat in no other workspace, so one workspace's
    owner cannot lock someone out of a workspace they do not run.
    """
    require(principal, "edit", "user")
    if not is_owner(principal):
        raise Forbidden("Only an owner can deactivate a user's login.")
    membership = get_member(principal, user_id, for_update=True)
    user = membership.user
    if user_id == principal.user_id:
        raise Conflict("You cannot deactivate yourself.")
    elsewhere = Membership.objects.filter(user_id=user_id, is_active=True).exclude(
        workspace_id=principal.workspace_id
    )
    if elsewhere.exists():
        raise Conflict("This user works in other workspaces; deactivate their membership instead.")
    _guard_owner_seat(principal, membership)
    if not user.is_active:
        return user
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    record_change(principal, "edit", "user", user, {"user_is_active": [True, False]})
    return user


@transaction.atomic
def set_member_away(principal: Principal, user_id: int, away_until: dt.date | None) -> Membership:
    """Mark a member away through `away_until` (workspace time; None: back): round-robin and
    fewest-open assignment skip them until the day after. Members mark themselves; marking
    someone else needs the right to edit users."""
    if user_id != principal.user_id:
        require(principal, "edit", "user")
    elif principal.token_id is not None and not principal.token_can_write:
        raise Forbidden("This API token is read-only.")
    membership = get_member(principal, user_id, for_update=True)
    if away_until is not None and away_until < workspace_today(principal.workspace_id):
        raise Invalid.on("away_until", "Choose today or a later day, or clear it.")
    before = membership.away_until
    if before == away_until:
        return membership
    membership.away_until = away_until
    membership.save(update_fields=["away_until"])
    record_change(principal, "edit", "user", membership.user, {"away_until": [before, away_until]})
    return membership
