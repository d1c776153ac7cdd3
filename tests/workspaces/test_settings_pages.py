"""The Settings pages of workspaces: navigation, profile, users and invitations, API tokens."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Invalid
from rapport.core.models import AuditEntry
from rapport.workspaces.models import ApiToken, Invitation, Membership, Workspace
from rapport.workspaces.queries import hash_secret
from rapport.workspaces.services import (
    create_api_token,
    invite_user,
    update_workspace,
)
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _audited(workspace: Workspace, action: str, object_type: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            workspace=workspace, action=action, object_type=object_type
        ).order_by("id")
    )


@pytest.fixture
def rep(workspace: Workspace) -> Any:
    user, _ = make_member(workspace, "sales_rep")
    return user


# --- Navigation ---------------------------------------------------------------------------------


def test_owner_sees_settings_and_every_section(workspace) -> None:
    client = owner_client(workspace)
    assert client.get("/settings")["Location"] == "/settings/workspace"
    html = client.get("/settings/workspace").content.decode()
    assert 'href="/settings"' in html  # the sidebar entry
    for url in (
        "workspace",
        "users",
        "roles",
        "teams",
        "custom-fields",
        "tags",
        "tokens",
        "audit",
        "restore-bin",
    ):
        assert f'href="/settings/{url}"' in html
        assert client.get(f"/settings/{url}").status_code == 200, url


def test_sales_rep_sees_only_the_sections_its_role_may_view(rep) -> None:
    client = signed_in(rep)
    html = client.get("/settings/tokens").content.decode()
    assert 'href="/settings"' not in html  # no sidebar entry without the workspace right
    assert 'href="/settings/users"' in html and 'href="/settings/restore-bin"' in html
    assert 'href="/settings/workspace"' not in html and 'href="/settings/audit"' not in html
    assert client.get("/settings")["Location"] == "/settings/users"
    for url in ("/settings/workspace", "/settings/audit"):
        response = client.get(url)
        assert response.status_code == 403 and "Forbidden" in response.content.decode()


# --- Workspace profile --------------------------------------------------------------------------


def test_owner_changes_the_workspace_profile_and_it_is_audited(workspace) -> None:
    client = owner_client(workspace)
    data = {"name": "Acme GmbH", "time_zone": "Europe/Berlin", "default_country": "DE"}
    response = client.post("/settings/workspace", {**data, "default_currency": "EUR"})
    assert response.status_code == 302
    workspace.refresh_from_db()
    assert (workspace.name, workspace.time_zone, workspace.default_country) == (
        "Acme GmbH",
        "Europe/Berlin",
        "DE",
    )
    assert workspace.default_currency == "USD"  # not a field of this form: see Currencies
    (entry,) = _audited(workspace, "update", "workspace")
    assert entry.changes == {
        "default_country": ["US", "DE"],
        "name": [entry.changes["name"][0], "Acme GmbH"],
        "time_zone": ["UTC", "Europe/Berlin"],
    }
    html = client.get("/settings/workspace").content.decode()
    assert "Workspace settings saved." in html and 'name="default_currency"' not in html
    assert "<strong>USD</strong>" in html
    assert '<a href="/settings/currencies">Change under Settings → Currencies</a>' in html


def test_the_profile_service_refuses_a_different_base_currency(workspace, owner) -> None:
    with pytest.raises(Invalid) as caught:
        update_workspace(owner, {"name": "Renamed", "default_currency": "EUR"})
    assert [(e.loc, e.msg) for e in caught.value.errors] == [
        (
            ("default_currency",),
            "Change the base currency under Settings → Currencies: "
            "its exchange rates change with it.",
        )
    ]
    assert Workspace.objects.get(pk=workspace.pk).default_currency == "USD"
    assert not _audited(workspace, "update", "workspace")
    update_workspace(owner, {"name": "Renamed", "default_currency": "usd"})  # unchanged: fine
    assert Workspace.objects.get(pk=workspace.pk).name == "Renamed"


def test_profile_errors_show_inline_and_keep_what_was_typed(workspace) -> None:
    data = {"name": "<Typed>", "time_zone": "UTC", "default_country": "XX"}
    response = owner_client(workspace).post("/settings/workspace", data)
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="&lt;Typed&gt;"' in html and 'aria-invalid="true"' in html
    workspace.refresh_from_db()
    assert workspace.default_country == "US" and not workspace.name.startswith("<")


def test_update_workspace_reports_every_bad_field_at_once(workspace, owner) -> None:
    changes = {"time_zone": "Mars/Olympus", "default_country": "XX", "slug": "new"}
    with pytest.raises(Invalid) as caught:
        update_workspace(owner, changes)
    assert [(e.loc, e.msg) for e in caught.value.errors] == [
        (("slug",), "This cannot be changed here."),
        (("time_zone",), "Choose a time zone such as Europe/Berlin."),
        (("default_country",), "Use a two-letter country code, e.g. DE."),
    ]
    assert Workspace.objects.get(pk=workspace.pk).time_zone == "UTC"


def test_sales_rep_cannot_change_the_workspace(workspace, rep) -> None:
    before = Workspace.objects.get(pk=workspace.pk).name
    data = {"name": "Hijacked", "time_zone": "UTC", "default_country": "US"}
    assert signed_in(rep).post("/settings/workspace", data).status_code == 403
    assert Workspace.objects.get(pk=workspace.pk).name == before
    assert not _audited(workspace, "update", "workspace")


# --- Users and invitations ----------------------------------------------------------------------


def test_users_page_lists_members_escaped_in_fixed_queries(workspace, owner) -> None:
    make_member(workspace, "manager", full_name="<b>Bold</b>")
    invite_user(owner, "first@example.com", "sales_rep")
    client = owner_client(workspace)
    few = page_queries(client, "/settings/users")
    for n in range(9):
        make_member(workspace, "sales_rep", full_name=f"Member {n}")
        invite_user(owner, f"invitee{n}@example.com", "read_only")
    html = client.get("/settings/users").content.decode()
    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "invitee8@example.com" in html
    assert page_queries(client, "/settings/users") == few


def test_invite_sends_the_email_through_the_job(
    workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    client = owner_client(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/settings/users/invite", {"email": "New@Example.com", "role": "manager"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(workspace=workspace)
    assert (invitation.email, invitation.role.key) == ("new@example.com", "manager")
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "new@example.com"
    assert _audited(workspace, "create", "invitation")


def test_invite_errors_keep_the_typed_values(workspace, owner) -> None:
    client = owner_client(workspace)
    bad = client.post("/settings/users/invite", {"email": "not-an-email", "role": "manager"})
    assert bad.status_code == 422 and 'value="not-an-email"' in bad.content.decode()
    invite_user(owner, "twice@example.com", "manager")
    again = client.post("/settings/users/invite", {"email": "twice@example.com", "role": "admin"})
    assert again.status_code == 409
    assert "already has a pending invitation" in again.content.decode()
    assert Invitation.objects.filter(workspace=workspace).count() == 1


def test_owner_changes_a_role_deactivates_and_reactivates(workspace) -> None:
    member, _ = make_member(workspace, "sales_rep")
    client = owner_client(workspace)
    assert client.post(f"/settings/users/{member.pk}/role", {"role": "manager"}).status_code == 302
    seat = Membership.objects.get(workspace=workspace, user=member)
    assert seat.role.key == "manager"
    assert client.post(f"/settings/users/{member.pk}/deactivate").status_code == 302
    assert Membership.objects.get(pk=seat.pk).is_active is False
    assert client.post(f"/settings/users/{member.pk}/reactivate").status_code == 302
    assert Membership.objects.get(pk=seat.pk).is_active is True
    changes = [e.changes for e in _audited(workspace, "edit", "user")]
    assert changes[-3:] == [
        {"role": ["sales_rep", "manager"]},
        {"is_active": [True, False]},
        {"is_active": [False, True]},
    ]


def test_deactivating_yourself_is_refused_with_a_message(workspace) -> None:
    owner_user = Membership.objects.get(workspace=workspace, role__key="owner").user
    client = signed_in(owner_user)
    response = client.post(f"/settings/users/{owner_user.pk}/deactivate", follow=True)
    assert "You cannot deactivate yourself." in response.content.decode()
    assert Membership.objects.get(workspace=workspace, user=owner_user).is_active


def test_owner_revokes_an_invitation(workspace, owner) -> None:
    invitation = invite_user(owner, "gone@example.com", "manager")
    response = owner_client(workspace).post(f"/settings/invitations/{invitation.pk}/revoke")
    assert response.status_code == 302
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is not None


def test_sales_rep_sees_users_read_only_and_cannot_change_them(workspace, owner, rep) -> None:
    member, _ = make_member(workspace, "read_only")
    invitation = invite_user(owner, "pending@example.com", "manager")
    client = signed_in(rep)
    html = client.get("/settings/users").content.decode()
    assert member.email in html and "Deactivate" not in html and "Send invitation" not in html
    posts = [
        (f"/settings/users/{member.pk}/role", {"role": "admin"}),
        (f"/settings/users/{member.pk}/deactivate", {}),
        ("/settings/users/invite", {"email": "x@example.com", "role": "admin"}),
        (f"/settings/invitations/{invitation.pk}/revoke", {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    seat = Membership.objects.get(workspace=workspace, user=member)
    assert (seat.role.key, seat.is_active) == ("read_only", True)
    assert Invitation.objects.filter(workspace=workspace).count() == 1
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


def test_another_workspaces_member_and_invitation_are_not_found(workspace) -> None:
    other = make_workspace("Globex")
    stranger, _ = make_member(other, "sales_rep")
    invitation = invite_user(owner_principal(other), "theirs@example.com", "manager")
    client = owner_client(workspace)
    assert client.post(f"/settings/users/{stranger.pk}/deactivate").status_code == 404
    assert client.post(f"/settings/invitations/{invitation.pk}/revoke").status_code == 404
    assert Membership.objects.get(workspace=other, user=stranger).is_active
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None


# --- API tokens ---------------------------------------------------------------------------------


def test_token_secret_is_shown_once_and_only_its_hash_is_stored(workspace, rep) -> None:
    client = signed_in(rep)
    response = client.post("/settings/tokens", {"name": "Zapier", "can_write": "on"})
    assert response.status_code == 201 and "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=rep)
    html = response.content.decode()
    raw = html.split('id="new-token" value="', 1)[1].split('"', 1)[0]
    assert raw.startswith(token.prefix) and token.key_hash == hash_secret(raw)
    assert (token.name, token.can_write) == ("Zapier", True)
    assert raw not in client.get("/settings/tokens").content.decode()
    assert _audited(workspace, "create", "token")


def test_a_token_without_a_name_is_refused_inline(rep) -> None:
    response = signed_in(rep).post("/settings/tokens", {"name": "  ", "can_write": "on"})
    html = response.content.decode()
    assert response.status_code == 422 and 'id="new-token"' not in html
    assert 'aria-invalid="true"' in html and 'name="can_write" id="id_can_write" checked' in html
    assert not ApiToken.objects.filter(user=rep).exists()


def test_revoking_a_token_and_never_someone_elses(workspace, rep) -> None:
    _, rep_principal = make_member(workspace, "sales_rep")
    mine, _ = create_api_token(owner_principal(workspace), "mine", can_write=False)
    theirs, _ = create_api_token(rep_principal, "theirs", can_write=False)
    client = owner_client(workspace)
    assert client.post(f"/settings/tokens/{mine.pk}/revoke").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert signed_in(rep).post(f"/settings/tokens/{mine.pk}/revoke").status_code == 404
    other_ws = make_workspace("Globex")
    foreign, _ = create_api_token(owner_principal(other_ws), "foreign", can_write=True)
    assert client.post(f"/settings/tokens/{foreign.pk}/revoke").status_code == 404
    assert ApiToken.objects.get(pk=foreign.pk).revoked_at is None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_tokens_list_in_fixed_queries(workspace, rep) -> None:
    from rapport.workspaces.queries import principal_for

    principal = principal_for(rep, workspace.pk)
    create_api_token(principal, "t0", can_write=False)
    client = signed_in(rep)
    few = page_queries(client, "/settings/tokens")
    for n in range(1, 10):
        create_api_token(principal, f"t{n}", can_write=bool(n % 2))
    assert page_queries(client, "/settings/tokens") == few
