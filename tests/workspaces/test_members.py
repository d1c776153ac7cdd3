"""Members: role changes, the last owner, deactivation stopping sessions and tokens at once."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry
from rapport.workspaces.models import Membership, User
from rapport.workspaces.services import (
    change_member_role,
    deactivate_member,
    deactivate_user,
    reactivate_member,
)
from tests.conftest import (
    PASSWORD,
    api_client_for,
    make_member,
    make_workspace,
    owner_principal,
)

pytestmark = pytest.mark.django_db


def _role(workspace, user) -> str:
    return Membership.objects.get(workspace=workspace, user=user).role.key


def _signed_in(user) -> Client:
    client = Client()
    assert client.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    return client


def test_change_member_role_is_audited(owner, workspace) -> None:
    user, _ = make_member(workspace, "sales_rep")
    change_member_role(owner, user.pk, "manager")
    assert _role(workspace, user) == "manager"
    entry = AuditEntry.objects.get(object_type="user", object_id=user.pk, action="edit")
    assert entry.changes == {"role": ["sales_rep", "manager"]}


def test_change_role_needs_the_right_the_workspace_and_a_known_role(owner, workspace) -> None:
    user, rep = make_member(workspace, "sales_rep")
    other, _ = make_member(workspace, "read_only")
    with pytest.raises(Forbidden):
        change_member_role(rep, other.pk, "admin")
    with pytest.raises(NotFound):
        change_member_role(owner_principal(make_workspace("Other")), user.pk, "admin")
    with pytest.raises(Invalid):
        change_member_role(owner, user.pk, "emperor")
    assert (_role(workspace, user), _role(workspace, other)) == ("sales_rep", "read_only")


def test_last_owner_cannot_be_demoted_or_deactivated(owner, workspace) -> None:
    with pytest.raises(Conflict):
        change_member_role(owner, owner.user_id, "admin")
    second, _ = make_member(workspace, "admin")
    with pytest.raises(Conflict):
        deactivate_member(owner, owner.user_id)  # not yourself
    change_member_role(owner, second.pk, "owner")
    change_member_role(owner, owner.user_id, "admin")
    assert (_role(workspace, second), _role(workspace, User(pk=owner.user_id))) == (
        "owner",
        "admin",
    )


def test_admin_cannot_touch_an_owner(owner, workspace) -> None:
    _, admin = make_member(workspace, "admin")
    with pytest.raises(Forbidden):
        deactivate_member(admin, owner.user_id)
    with pytest.raises(Forbidden):
        change_member_role(admin, admin.user_id or 0, "owner")
    assert Membership.objects.get(workspace=workspace, user_id=owner.user_id).is_active is True
    assert _role(workspace, User(pk=admin.user_id)) == "admin"


def test_deactivated_member_session_and_token_stop_at_once(owner, workspace) -> None:
    user, member = make_member(workspace, "sales_rep")
    api = api_client_for(member)
    client = _signed_in(user)
    assert client.get("/api/v1/me").status_code == 200
    assert api.get("/api/v1/me").status_code == 200
    deactivate_member(owner, user.pk)
    assert client.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me").status_code == 401
    assert AuditEntry.objects.get(object_id=user.pk, action="edit").changes == {
        "is_active": [True, False]
    }
    reactivate_member(owner, user.pk)
    assert client.get("/api/v1/me").json()["id"] == user.pk
    assert api.get("/api/v1/me").status_code == 200


def test_sales_rep_cannot_deactivate_and_nothing_changes(workspace) -> None:
    user, _ = make_member(workspace, "read_only")
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        deactivate_member(rep, user.pk)
    with pytest.raises(Forbidden):
        deactivate_user(rep, user.pk)
    assert Membership.objects.get(workspace=workspace, user=user).is_active is True
    assert User.objects.get(pk=user.pk).is_active is True


def test_deactivate_user_switches_the_login_off_everywhere(owner, workspace) -> None:
    user, member = make_member(workspace, "manager")
    api = api_client_for(member)
    client = _signed_in(user)
    deactivate_user(owner, user.pk)
    assert User.objects.get(pk=user.pk).is_active is False
    assert client.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/me").status_code == 401
    assert Client().post("/login", {"email": user.email, "password": PASSWORD}).status_code == 400


def test_deactivate_user_is_for_owners_of_users_with_no_other_workspace(
    owner, workspace, other_workspace
) -> None:
    user, _ = make_member(workspace, "sales_rep")
    _, admin = make_member(workspace, "admin")
    with pytest.raises(Forbidden):
        deactivate_user(admin, user.pk)
    from rapport.workspaces.services import add_member

    add_member(owner_principal(other_workspace), user, "read_only")
    with pytest.raises(Conflict):
        deactivate_user(owner, user.pk)
    with pytest.raises(NotFound):
        deactivate_user(owner_principal(make_workspace("Third")), user.pk)
    assert User.objects.get(pk=user.pk).is_active is True
