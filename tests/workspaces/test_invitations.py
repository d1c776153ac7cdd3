"""Invitations: inviting, the email through a real SMTP server, accepting, revoking, jobs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rapport.cli import main as rapport_cli
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.workspaces.models import Invitation, Membership, User
from rapport.workspaces.queries import hash_secret
from rapport.workspaces.services import accept_invitation, invite_user, revoke_invitation
from rapport.workspaces.services.invitations import invitation_secret
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh and long passphrase"


def _invite(owner, email="new@example.com", role="sales_rep") -> Invitation:
    return invite_user(owner, email, role)


def test_invitation_email_arrives_and_its_link_signs_the_new_member_in(
    owner, workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks, settings
) -> None:
    settings.BASE_URL = "https://crm.example.com"
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invite_user(owner, "New.Person@Example.com", "manager")
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "new.person@example.com"
    assert (
        message["Subject"] == f"{owner.extra['label']} invited you to {workspace.name} on Rapport"
    )
    (link,) = smtp_server.links(message)
    secret = link.removeprefix("https://crm.example.com/invitations/")
    assert Invitation.objects.get(pk=invitation.pk).token_hash == hash_secret(secret)

    client = Client()
    page = client.get(f"/invitations/{secret}")
    assert page.status_code == 200
    assert f"Join {workspace.name}" in page.content.decode()
    response = client.post(
        f"/invitations/{secret}", {"full_name": "New Person", "password": NEW_PASSWORD}
    )
    assert (response.status_code, response["Location"]) == (302, "/")
    me = client.get("/api/v1/me").json()
    assert (me["email"], me["full_name"], me["role"], me["workspace"]["id"]) == (
        "new.person@example.com",
        "New Person",
        "manager",
        workspace.pk,
    )
    assert client.get(f"/invitations/{secret}").status_code == 404  # used up


def test_invite_stores_only_a_hash_and_expires_in_seven_days(owner) -> None:
    invitation = _invite(owner, "Someone@Example.com", "read_only")
    assert (invitation.email, invitation.role.key, invitation.invited_by_id) == (
        "someone@example.com",
        "read_only",
        owner.user_id,
    )
    assert len(invitation.token_hash) == 64
    assert invitation.expires_at - invitation.created_at == dt.timedelta(days=7)
    entry = AuditEntry.objects.get(object_type="invitation", object_id=invitation.pk)
    assert (entry.action, entry.changes) == (
        "create",
        {"email": "someone@example.com", "role": "read_only"},
    )


def test_sales_rep_cannot_invite_and_nothing_is_created(workspace) -> None:
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        invite_user(rep, "x@example.com", "sales_rep")
    assert not Invitation.objects.exists()


def test_invite_refuses_members_duplicates_and_unknown_roles(owner, workspace) -> None:
    member, _ = make_member(workspace, "sales_rep")
    with pytest.raises(Conflict):
        invite_user(owner, member.email.upper(), "sales_rep")
    _invite(owner, "dup@example.com")
    with pytest.raises(Conflict):
        invite_user(owner, "dup@example.com", "manager")
    with pytest.raises(Invalid) as exc:
        invite_user(owner, "other@example.com", "no_such_role")
    assert exc.value.errors[0].loc == ("role",)
    with pytest.raises(Invalid):
        invite_user(owner, "not-an-email", "sales_rep")
    assert list(Invitation.objects.values_list("email", flat=True)) == ["dup@example.com"]


def test_admin_cannot_invite_an_owner(workspace) -> None:
    _, admin = make_member(workspace, "admin")
    with pytest.raises(Forbidden):
        invite_user(admin, "boss@example.com", "owner")
    assert not Invitation.objects.exists()


def _invitation_with_secret(owner, email="new@example.com", role="sales_rep"):
    invitation = _invite(owner, email, role)
    secret = invitation_secret("known-nonce")
    Invitation.objects.filter(pk=invitation.pk).update(token_hash=hash_secret(secret))
    return invitation, secret


def test_accept_creates_user_and_seat_once(owner, workspace) -> None:
    invitation, secret = _invitation_with_secret(owner)
    user = accept_invitation(secret, "  New Person ", NEW_PASSWORD)
    assert (user.email, user.full_name, user.check_password(NEW_PASSWORD)) == (
        "new@example.com",
        "New Person",
        True,
    )
    seat = Membership.objects.get(workspace=workspace, user=user)
    assert (seat.role.key, seat.is_active) == ("sales_rep", True)
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is not None
    with pytest.raises(Conflict, match="already used"):
        accept_invitation(secret, "Again", NEW_PASSWORD)
    assert Membership.objects.filter(user=user).count() == 1


def test_accept_refuses_weak_password_and_changes_nothing(owner) -> None:
    invitation, secret = _invitation_with_secret(owner)
    with pytest.raises(Invalid) as exc:
        accept_invitation(secret, "New Person", "short")
    assert exc.value.errors[0].loc == ("password",)
    assert not User.objects.filter(email="new@example.com").exists()
    assert Invitation.objects.get(pk=invitation.pk).accepted_at is None


def test_accept_reuses_an_existing_login_that_proves_its_password(owner, other_workspace) -> None:
    existing = owner_principal(other_workspace)
    user = User.objects.get(pk=existing.user_id)
    _, secret = _invitation_with_secret(owner, user.email, "manager")
    with pytest.raises(Invalid) as exc:
        accept_invitation(secret, "", "wrong password entirely")
    assert exc.value.errors[0].loc == ("password",)
    assert accept_invitation(secret, "", PASSWORD) == user
    assert set(Membership.objects.filter(user=user).values_list("workspace_id", flat=True)) == {
        owner.workspace_id,
        other_workspace.pk,
    }


def test_expired_revoked_and_unknown_links_are_refused_clearly(owner) -> None:
    expired, expired_secret = _invitation_with_secret(owner, "late@example.com")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    with pytest.raises(Conflict, match="expired"):
        accept_invitation(expired_secret, "Late", NEW_PASSWORD)
    revoked = _invite(owner, "gone@example.com")
    secret = invitation_secret("gone")
    Invitation.objects.filter(pk=revoked.pk).update(token_hash=hash_secret(secret))
    revoke_invitation(owner, revoked.pk)
    with pytest.raises(Conflict, match="withdrawn"):
        accept_invitation(secret, "Gone", NEW_PASSWORD)
    with pytest.raises(NotFound):
        accept_invitation("nonsense", "Who", NEW_PASSWORD)
    assert not User.objects.filter(email__in=["late@example.com", "gone@example.com"]).exists()


def test_revoke_needs_the_right_and_the_same_workspace(owner, workspace) -> None:
    invitation = _invite(owner)
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        revoke_invitation(rep, invitation.pk)
    with pytest.raises(NotFound):
        revoke_invitation(owner_principal(make_workspace("Other")), invitation.pk)
    assert Invitation.objects.get(pk=invitation.pk).revoked_at is None
    assert revoke_invitation(owner, invitation.pk).revoked_at is not None


def test_invitation_job_sends_nothing_once_revoked_and_is_safe_twice(
    owner, smtp_server, immediate_jobs
) -> None:
    from rapport.workspaces.jobs import send_invitation_email

    invitation = _invite(owner)  # the on-commit enqueue never runs in this rolled-back test
    assert send_invitation_email.call(invitation.pk, "n1") is True
    assert send_invitation_email.call(invitation.pk, "n1") is True
    first, second = smtp_server.wait_for(2)
    assert smtp_server.links(first) == smtp_server.links(second)
    revoke_invitation(owner, invitation.pk)
    assert send_invitation_email.call(invitation.pk, "n1") is False
    assert len(smtp_server.wait_for(3, timeout=0.3)) == 2


@pytest.mark.django_db(transaction=True)
def test_job_row_is_written_only_after_commit_and_the_worker_sends_it(smtp_server) -> None:
    owner = owner_principal(make_workspace("Jobs"))
    with transaction.atomic():
        invite_user(owner, "queued@example.com", "sales_rep")
        assert DBTaskResult.objects.count() == 0
    with pytest.raises(RuntimeError), transaction.atomic():
        invite_user(owner, "rolledback@example.com", "sales_rep")
        raise RuntimeError("roll back")
    (job,) = DBTaskResult.objects.all()
    assert (job.task_path, job.status) == (
        "rapport.workspaces.jobs.send_invitation_email",
        "READY",
    )
    rapport_cli(["worker", "--batch", "--verbosity", "0"])
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL"
    # The batch run also dispatched the invitation's event.
    assert OutboxEvent.objects.get(name="invitation.created").dispatched_at is not None
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "queued@example.com"
