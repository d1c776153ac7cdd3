"""Custom roles and teams: validation, built-ins are read-only, in-use rules, tenancy, rights."""

from __future__ import annotations

import pytest

from rapport.contacts.services import create_contact
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry
from rapport.workspaces.models import Role, Team
from rapport.workspaces.queries import principal_for
from rapport.workspaces.services import (
    create_role,
    create_team,
    deactivate_member,
    delete_role,
    delete_team,
    invite_user,
    rename_team,
    set_team_members,
    update_role,
)
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

GRANTS = {"contact": {"view": "all", "edit": "own"}}


def test_create_update_delete_custom_role(owner, workspace) -> None:
    role = create_role(owner, "Field sales", GRANTS)
    assert (role.key, role.name, role.grants, role.is_builtin) == (
        "field_sales",
        "Field sales",
        GRANTS,
        False,
    )
    update_role(owner, role.pk, grants={"contact": {"view": "team"}})
    assert Role.objects.get(pk=role.pk).grants == {"contact": {"view": "team"}}
    delete_role(owner, role.pk)
    assert not Role.objects.filter(pk=role.pk).exists()
    actions = list(
        AuditEntry.objects.filter(object_type="role", object_id=role.pk)
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "edit", "delete"]


def test_role_grants_are_validated(owner) -> None:
    with pytest.raises(Invalid) as exc:
        create_role(owner, "Odd", {"spaceship": {"fly": "all"}})
    assert [e.msg for e in exc.value.errors] == ["unknown object type 'spaceship'"]
    with pytest.raises(Invalid):
        create_role(owner, "Odd", {"contact": {"view": "galaxy"}})
    assert not Role.objects.filter(name="Odd").exists()


def test_builtin_roles_are_read_only(owner, workspace) -> None:
    builtin = Role.objects.get(workspace=workspace, key="sales_rep")
    with pytest.raises(Conflict):
        update_role(owner, builtin.pk, name="Seller")
    with pytest.raises(Conflict):
        delete_role(owner, builtin.pk)
    assert Role.objects.get(pk=builtin.pk).name == "Sales rep"


def test_role_in_use_cannot_be_deleted(owner, workspace) -> None:
    role = create_role(owner, "Helper", GRANTS)
    user, _ = make_member(workspace, "helper")
    with pytest.raises(Conflict):
        delete_role(owner, role.pk)
    deactivate_member(owner, user.pk)  # a deactivated seat still holds the role
    with pytest.raises(Conflict):
        delete_role(owner, role.pk)
    invited = create_role(owner, "Invited", GRANTS)
    invite_user(owner, "soon@example.com", "invited")
    with pytest.raises(Conflict):
        delete_role(owner, invited.pk)
    assert Role.objects.filter(pk__in=[role.pk, invited.pk]).count() == 2


def test_roles_need_the_right_and_the_same_workspace(owner, workspace) -> None:
    role = create_role(owner, "Helper", GRANTS)
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        create_role(rep, "Mine", GRANTS)
    with pytest.raises(Forbidden):
        update_role(rep, role.pk, name="Hacked")
    with pytest.raises(Forbidden):
        delete_role(rep, role.pk)
    stranger = owner_principal(make_workspace("Other"))
    with pytest.raises(NotFound):
        update_role(stranger, role.pk, name="Hacked")
    with pytest.raises(NotFound):
        delete_role(stranger, role.pk)
    assert list(Role.objects.filter(is_builtin=False).values_list("name", flat=True)) == ["Helper"]


def test_team_lifecycle_and_members(owner, workspace) -> None:
    alice, _ = make_member(workspace, "sales_rep")
    bob, _ = make_member(workspace, "sales_rep")
    team = create_team(owner, " North ")
    rename_team(owner, team.pk, "North-East")
    team = set_team_members(owner, team.pk, [alice.pk, bob.pk, alice.pk])
    assert (team.name, sorted(u.pk for u in team.members.all())) == (
        "North-East",
        sorted([alice.pk, bob.pk]),
    )
    with pytest.raises(Conflict):
        create_team(owner, "North-East")
    delete_team(owner, team.pk)
    assert not Team.objects.filter(pk=team.pk).exists()


def test_team_members_must_be_active_members_here(owner, workspace, other_workspace) -> None:
    alice, _ = make_member(workspace, "sales_rep")
    gone, _ = make_member(workspace, "sales_rep")
    stranger, _ = make_member(other_workspace, "sales_rep")
    deactivate_member(owner, gone.pk)
    team = set_team_members(owner, create_team(owner, "South").pk, [alice.pk])
    with pytest.raises(Invalid) as exc:
        set_team_members(owner, team.pk, [alice.pk, stranger.pk, gone.pk])
    assert [e.loc for e in exc.value.errors] == [("user_ids", 1), ("user_ids", 2)]
    assert list(Team.objects.get(pk=team.pk).members.values_list("pk", flat=True)) == [alice.pk]


def test_teams_need_the_right_and_the_same_workspace(owner, workspace) -> None:
    team = create_team(owner, "West")
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        create_team(rep, "Mine")
    with pytest.raises(Forbidden):
        rename_team(rep, team.pk, "Mine")
    with pytest.raises(Forbidden):
        delete_team(rep, team.pk)
    stranger = owner_principal(make_workspace("Other"))
    with pytest.raises(NotFound):
        rename_team(stranger, team.pk, "Mine")
    with pytest.raises(NotFound):
        set_team_members(stranger, team.pk, [])
    assert list(Team.objects.values_list("name", flat=True)) == ["West"]


def test_a_token_carries_its_roles_team_scope(owner, workspace) -> None:
    """A manager edits records owned in their teams, not others', through a bearer token."""
    manager, _ = make_member(workspace, "manager")
    mate, _ = make_member(workspace, "sales_rep")
    outsider, _ = make_member(workspace, "sales_rep")
    team = create_team(owner, "North")
    set_team_members(owner, team.pk, [manager.pk, mate.pk])
    mine = create_contact(owner, {"first_name": "Mate's", "owner_id": mate.pk})
    theirs = create_contact(owner, {"first_name": "Outsider's", "owner_id": outsider.pk})
    api = api_client_for(principal_for(manager, workspace.pk))

    ok = api.patch(f"/api/v1/contacts/{mine.pk}", {"job_title": "CTO"}, **{"If-Match": mine.etag})
    denied = api.patch(
        f"/api/v1/contacts/{theirs.pk}", {"job_title": "CTO"}, **{"If-Match": theirs.etag}
    )

    assert (ok.status_code, denied.status_code) == (200, 403)
    theirs.refresh_from_db()
    assert theirs.job_title == ""
