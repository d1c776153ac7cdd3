"""Workspaces: creation, membership, principals and tokens."""

from __future__ import annotations

import pytest

from rapport.core.errors import Conflict, Forbidden, Unauthenticated
from rapport.core.models import AuditEntry
from rapport.workspaces.models import ApiToken, Membership, Role
from rapport.workspaces.queries import principal_for_token
from rapport.workspaces.roles import BUILTIN_ROLES
from rapport.workspaces.services import add_member, create_api_token
from tests.conftest import make_member, make_user, make_workspace

pytestmark = pytest.mark.django_db


def test_create_workspace_seeds_builtin_roles_and_owner_seat() -> None:
    owner = make_user("boss@example.com")
    workspace = make_workspace("Initech", owner)
    keys = set(Role.objects.filter(workspace=workspace).values_list("key", flat=True))
    assert keys == set(BUILTIN_ROLES)
    seat = Membership.objects.get(workspace=workspace)
    assert (seat.user, seat.role.key) == (owner, "owner")
    assert (
        AuditEntry.objects.filter(
            workspace=workspace, action="create", object_type="workspace"
        ).count()
        == 1
    )


def test_add_member_twice_is_a_conflict_and_adds_nothing(workspace) -> None:
    user, _ = make_member(workspace, "sales_rep")
    from tests.conftest import owner_principal

    with pytest.raises(Conflict):
        add_member(owner_principal(workspace), user, "manager")
    assert Membership.objects.filter(workspace=workspace, user=user).get().role.key == "sales_rep"


def test_sales_rep_cannot_add_members(workspace) -> None:
    _, rep = make_member(workspace, "sales_rep")
    newcomer = make_user()
    with pytest.raises(Forbidden):
        add_member(rep, newcomer, "admin")
    assert not Membership.objects.filter(user=newcomer).exists()


def test_token_is_stored_hashed_and_resolves_to_its_principal(owner) -> None:
    token, raw = create_api_token(owner, "CI", can_write=False)
    assert raw.startswith("rpt_") and raw not in token.key_hash
    principal = principal_for_token(raw)
    assert (principal.user_id, principal.workspace_id, principal.token_id) == (
        owner.user_id,
        owner.workspace_id,
        token.pk,
    )
    assert principal.scope_for("view", "contact") == "all"
    assert principal.scope_for("edit", "contact") is None  # read-only token


def test_revoked_token_and_deactivated_user_stop_at_once(owner) -> None:
    from django.utils import timezone

    from rapport.workspaces.models import User

    token, raw = create_api_token(owner, "CI", can_write=True)
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    with pytest.raises(Unauthenticated):
        principal_for_token(raw)
    _, raw2 = create_api_token(owner, "CI 2", can_write=True)
    User.objects.filter(pk=owner.user_id).update(is_active=False)
    with pytest.raises(Unauthenticated):
        principal_for_token(raw2)
