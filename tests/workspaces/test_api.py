"""/api/v1: me, members, invitations, roles, teams and tokens; tenancy and missing rights."""

from __future__ import annotations

import pytest

from rapport.workspaces.models import ApiToken, Invitation, Membership, Role, Team
from rapport.workspaces.services import create_role, create_team
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db

GRANTS = {"contact": {"view": "all"}}


@pytest.fixture
def rep_api(workspace):
    _, rep = make_member(workspace, "sales_rep")
    return api_client_for(rep)


@pytest.fixture
def other_api(other_workspace):
    return api_client_for(owner_principal(other_workspace))


def test_me_describes_the_acting_user_and_token(api, owner, workspace) -> None:
    body = api.get("/api/v1/me").json()
    assert body["id"] == owner.user_id
    assert (body["role"], body["workspace"]) == (
        "owner",
        {"id": workspace.pk, "name": workspace.name, "slug": workspace.slug},
    )
    assert [w["id"] for w in body["workspaces"]] == [workspace.pk]
    assert body["token_id"] == ApiToken.objects.get(user_id=owner.user_id).pk


def test_list_and_get_members(api, owner, workspace, other_api) -> None:
    user, _ = make_member(workspace, "manager", full_name="Mia Manager")
    items = api.get("/api/v1/members").json()
    assert [(m["id"], m["role"]) for m in items] == [(owner.user_id, "owner"), (user.pk, "manager")]
    one = api.get(f"/api/v1/members/{user.pk}").json()
    assert (one["email"], one["full_name"], one["is_active"]) == (user.email, "Mia Manager", True)
    assert other_api.get(f"/api/v1/members/{user.pk}").status_code == 404


def test_patch_member_role_and_activity(api, workspace, rep_api, other_api) -> None:
    user, _ = make_member(workspace, "read_only")
    url = f"/api/v1/members/{user.pk}"
    assert rep_api.patch(url, {"role": "admin"}).status_code == 403
    assert other_api.patch(url, {"role": "admin"}).status_code == 404
    assert Membership.objects.get(workspace=workspace, user=user).role.key == "read_only"
    body = api.patch(url, {"role": "manager", "is_active": False}).json()
    assert (body["role"], body["is_active"]) == ("manager", False)
    bad = api.patch(url, {"role": "manager", "email": "x@example.com"})
    assert (bad.status_code, bad.json()["errors"][0]["loc"]) == (422, ["email"])


def test_last_owner_demotion_is_a_conflict(api, owner) -> None:
    response = api.patch(f"/api/v1/members/{owner.user_id}", {"role": "admin"})
    assert (response.status_code, response["Content-Type"]) == (409, "application/problem+json")


def test_invitations_create_list_revoke(api, workspace, rep_api, other_api) -> None:
    created = api.post("/api/v1/invitations", {"email": "Ann@Example.com", "role": "manager"})
    assert created.status_code == 201
    body = created.json()
    assert (body["email"], body["role"], body["status"]) == (
        "ann@example.com",
        "manager",
        "pending",
    )
    assert "token" not in body and "token_hash" not in body
    assert [i["id"] for i in api.get("/api/v1/invitations").json()] == [body["id"]]
    assert other_api.get("/api/v1/invitations").json() == []
    assert (
        rep_api.post("/api/v1/invitations", {"email": "b@example.com", "role": "admin"}).status_code
        == 403
    )
    assert rep_api.delete(f"/api/v1/invitations/{body['id']}").status_code == 403
    assert other_api.delete(f"/api/v1/invitations/{body['id']}").status_code == 404
    assert Invitation.objects.get().revoked_at is None
    assert api.delete(f"/api/v1/invitations/{body['id']}").status_code == 204
    assert api.get("/api/v1/invitations").json()[0]["status"] == "revoked"


def test_roles_crud_and_builtins_read_only(api, workspace, rep_api, other_api) -> None:
    assert len(api.get("/api/v1/roles").json()) == 7
    created = api.post("/api/v1/roles", {"name": "Auditor", "grants": GRANTS})
    assert created.status_code == 201
    role = created.json()
    assert (role["key"], role["is_builtin"], role["grants"]) == ("auditor", False, GRANTS)
    url = f"/api/v1/roles/{role['id']}"
    assert api.patch(url, {"name": "Checker"}).json()["name"] == "Checker"
    assert rep_api.patch(url, {"name": "Nope"}).status_code == 403
    assert other_api.get(url).status_code == 404
    assert other_api.delete(url).status_code == 404
    assert Role.objects.get(pk=role["id"]).name == "Checker"
    builtin = Role.objects.get(workspace=workspace, key="manager").pk
    assert api.patch(f"/api/v1/roles/{builtin}", {"name": "Boss"}).status_code == 409
    assert api.delete(f"/api/v1/roles/{builtin}").status_code == 409
    bad = api.post("/api/v1/roles", {"name": "Bad", "grants": {"contact": {"view": "x"}}})
    assert (bad.status_code, bad.json()["errors"][0]["loc"]) == (422, ["grants"])
    assert api.delete(url).status_code == 204
    assert not Role.objects.filter(pk=role["id"]).exists()


def test_teams_crud_and_members(api, workspace, rep_api, other_api) -> None:
    alice, _ = make_member(workspace, "sales_rep")
    team = api.post("/api/v1/teams", {"name": "North"}).json()
    url = f"/api/v1/teams/{team['id']}"
    assert api.patch(url, {"name": "North-East"}).json()["name"] == "North-East"
    members = api.put(f"{url}/members", {"user_ids": [alice.pk]}).json()
    assert members["member_ids"] == [alice.pk]
    assert [t["name"] for t in api.get("/api/v1/teams").json()] == ["North-East"]
    assert rep_api.put(f"{url}/members", {"user_ids": []}).status_code == 403
    assert other_api.put(f"{url}/members", {"user_ids": []}).status_code == 404
    assert other_api.delete(url).status_code == 404
    assert list(Team.objects.get(pk=team["id"]).members.values_list("pk", flat=True)) == [alice.pk]
    assert rep_api.post("/api/v1/teams", {"name": "Mine"}).status_code == 403
    assert api.delete(url).status_code == 204
    assert not Team.objects.exists()


def test_tokens_list_create_revoke(api, owner, workspace) -> None:
    created = api.post("/api/v1/tokens", {"name": "Zapier", "can_write": True})
    assert created.status_code == 201
    body = created.json()
    assert body["token"].startswith("rpt_") and body["prefix"] == body["token"][:12]
    listed = api.get("/api/v1/tokens").json()
    assert [t["name"] for t in listed] == ["Zapier", "tests"]
    assert all("token" not in t and "key_hash" not in t for t in listed)
    _, rep = make_member(workspace, "sales_rep")
    rep_api = api_client_for(rep)
    assert rep_api.delete(f"/api/v1/tokens/{body['id']}").status_code == 404
    assert [t["name"] for t in rep_api.get("/api/v1/tokens").json()] == ["tests"]
    assert api.delete(f"/api/v1/tokens/{body['id']}").status_code == 204
    from tests.conftest import ApiClient

    assert ApiClient(body["token"]).get("/api/v1/me").status_code == 401


def test_unknown_fields_are_refused(api) -> None:
    response = api.post("/api/v1/tokens", {"name": "x", "secret": "mine"})
    assert (response.status_code, response.json()["errors"][0]["loc"]) == (422, ["secret"])
    assert ApiToken.objects.filter(name="x").count() == 0


def test_created_helpers_keep_tenancy(owner, other_workspace, other_api) -> None:
    role = create_role(owner, "Local", GRANTS)
    team = create_team(owner, "Local team")
    assert other_api.get(f"/api/v1/roles/{role.pk}").status_code == 404
    assert other_api.get(f"/api/v1/teams/{team.pk}").status_code == 404
    assert [r["key"] for r in other_api.get("/api/v1/roles").json() if not r["is_builtin"]] == []
