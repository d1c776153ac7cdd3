"""Settings > Roles and Settings > Teams: grids of grants, custom roles, teams and members."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.workspaces.models import Role, Team, Workspace
from rapport.workspaces.services import create_role, create_team
from tests.conftest import make_member, make_user, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def rep(workspace: Workspace) -> Any:
    user, _ = make_member(workspace, "sales_rep")
    return user


# --- Roles ----------------------------------------------------------------------------------------


def _grid(**cells: str) -> dict[str, str]:
    """A posted grid: every cell "None" unless given as object_type__action=scope."""
    return {"name": "Auditor", **cells}


def test_roles_list_in_fixed_queries_and_built_in_roles_are_read_only(workspace, owner) -> None:
    create_role(owner, "Custom 0", {"contact": {"view": "all"}})
    client = owner_client(workspace)
    few = page_queries(client, "/settings/roles")
    for n in range(1, 10):
        create_role(owner, f"Custom {n}", {"contact": {"view": "own"}})
    assert page_queries(client, "/settings/roles") == few
    admin = Role.objects.get(workspace=workspace, key="admin")
    html = client.get(f"/settings/roles/{admin.pk}").content.decode()
    assert "Built-in: read-only" in html and "Save role" not in html
    assert '<select name="contact__view" aria-label="Contact: view" disabled' in html


def test_owner_creates_edits_and_deletes_a_custom_role(workspace) -> None:
    client = owner_client(workspace)
    response = client.post("/settings/roles/new", _grid(contact__view="all", audit__view="all"))
    role = Role.objects.get(workspace=workspace, key="auditor")
    assert response["Location"] == f"/settings/roles/{role.pk}"
    assert role.grants == {"contact": {"view": "all"}, "audit": {"view": "all"}}
    page = client.get(f"/settings/roles/{role.pk}").content.decode()
    assert "Save role" in page and "Delete role" in page
    assert '<select name="audit__view" aria-label="Audit: view" id="id_audit__view">' in page
    data = _grid(contact__view="team", contact__export="own")
    assert client.post(f"/settings/roles/{role.pk}", data).status_code == 302
    role.refresh_from_db()
    assert role.grants == {"contact": {"view": "team", "export": "own"}}
    assert client.post(f"/settings/roles/{role.pk}/delete").status_code == 302
    assert not Role.objects.filter(pk=role.pk).exists()
    actions = [
        e.action
        for e in AuditEntry.objects.filter(workspace=workspace, object_type="role").order_by("id")
    ]
    assert actions == ["create", "edit", "delete"]


def test_role_errors_keep_the_grid_and_name(workspace) -> None:
    client = owner_client(workspace)
    bad = client.post("/settings/roles/new", {"name": "", "contact__view": "team"})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'aria-invalid="true"' in html
    assert '<option value="team" selected>' in html
    client.post("/settings/roles/new", _grid())
    again = client.post("/settings/roles/new", _grid(contact__view="own"))
    assert again.status_code == 409 and "already exists" in again.content.decode()
    assert Role.objects.filter(workspace=workspace, is_builtin=False).count() == 1


def test_a_role_in_use_is_not_deleted_and_the_page_says_why(workspace, owner) -> None:
    role = create_role(owner, "Helpers", {"contact": {"view": "all"}})
    make_member(workspace, "helpers")
    response = owner_client(workspace).post(f"/settings/roles/{role.pk}/delete", follow=True)
    assert "Helpers is held by members; give them another role first." in response.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_sales_rep_cannot_create_change_or_delete_roles(workspace, owner, rep) -> None:
    role = create_role(owner, "Helpers", {"contact": {"view": "all"}})
    client = signed_in(rep)
    assert "Save role" not in client.get(f"/settings/roles/{role.pk}").content.decode()
    assert client.get("/settings/roles/new").status_code == 403
    assert client.post("/settings/roles/new", _grid(contact__view="all")).status_code == 403
    data = _grid(contact__view="own")
    assert client.post(f"/settings/roles/{role.pk}", data).status_code == 403
    assert client.post(f"/settings/roles/{role.pk}/delete").status_code == 403
    role.refresh_from_db()
    assert (role.name, role.grants) == ("Helpers", {"contact": {"view": "all"}})
    assert Role.objects.filter(workspace=workspace, is_builtin=False).count() == 1


def test_another_workspaces_role_is_not_found(workspace) -> None:
    other = make_workspace("Globex")
    theirs = create_role(owner_principal(other), "Theirs", {})
    client = owner_client(workspace)
    assert client.get(f"/settings/roles/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/roles/{theirs.pk}/delete").status_code == 404
    assert Role.objects.filter(pk=theirs.pk).exists()


# --- Teams --------------------------------------------------------------------------------------


def test_teams_list_in_fixed_queries(workspace, owner) -> None:
    client = owner_client(workspace)
    members = [make_member(workspace, "sales_rep")[0] for _ in range(3)]
    create_team(owner, "Team 0").members.set(members)
    few = page_queries(client, "/settings/teams")
    for n in range(1, 10):
        create_team(owner, f"Team {n}").members.set(members)
    assert page_queries(client, "/settings/teams") == few


def test_owner_creates_renames_staffs_and_deletes_a_team(workspace) -> None:
    ada, _ = make_member(workspace, "sales_rep", full_name="Ada")
    bob, _ = make_member(workspace, "sales_rep", full_name="Bob")
    client = owner_client(workspace)
    response = client.post("/settings/teams", {"name": "North"})
    team = Team.objects.get(workspace=workspace)
    assert response["Location"] == f"/settings/teams/{team.pk}"
    data = {"name": "North-East", "members": [str(ada.pk), str(bob.pk)]}
    assert client.post(f"/settings/teams/{team.pk}", data).status_code == 302
    team.refresh_from_db()
    assert team.name == "North-East"
    assert sorted(team.members.values_list("pk", flat=True)) == sorted([ada.pk, bob.pk])
    assert client.post(f"/settings/teams/{team.pk}/delete").status_code == 302
    assert not Team.objects.filter(pk=team.pk).exists()
    actions = [
        e.action
        for e in AuditEntry.objects.filter(workspace=workspace, object_type="team").order_by("id")
    ]
    assert actions == ["create", "edit", "edit", "delete"]


def test_team_errors_keep_the_typed_name_and_change_nothing(workspace, owner) -> None:
    team = create_team(owner, "North")
    create_team(owner, "South")
    stranger = make_user()
    client = owner_client(workspace)
    taken = client.post(f"/settings/teams/{team.pk}", {"name": "South", "members": []})
    assert taken.status_code == 409 and "already a team called" in taken.content.decode()
    bad = client.post(f"/settings/teams/{team.pk}", {"name": "<x>", "members": [stranger.pk]})
    assert bad.status_code == 422 and 'value="&lt;x&gt;"' in bad.content.decode()
    team.refresh_from_db()
    assert team.name == "North" and not team.members.exists()
    empty = client.post("/settings/teams", {"name": " "})
    assert empty.status_code == 422 and Team.objects.filter(workspace=workspace).count() == 2


def test_sales_rep_cannot_change_teams(workspace, owner, rep) -> None:
    team = create_team(owner, "North")
    client = signed_in(rep)
    assert "Save team" not in client.get(f"/settings/teams/{team.pk}").content.decode()
    assert client.post("/settings/teams", {"name": "Mine"}).status_code == 403
    data = {"name": "Renamed", "members": [rep.pk]}
    assert client.post(f"/settings/teams/{team.pk}", data).status_code == 403
    assert client.post(f"/settings/teams/{team.pk}/delete").status_code == 403
    assert list(Team.objects.filter(workspace=workspace).values_list("name", flat=True)) == [
        "North"
    ]
    assert not team.members.exists()


def test_another_workspaces_team_is_not_found(workspace) -> None:
    theirs = create_team(owner_principal(make_workspace("Globex")), "Theirs")
    client = owner_client(workspace)
    assert client.get(f"/settings/teams/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/teams/{theirs.pk}/delete").status_code == 404
    assert Team.objects.filter(pk=theirs.pk).exists()
