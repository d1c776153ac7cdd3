"""The permission policy: scopes own / team / all, tenancy first, read-only tokens."""

from __future__ import annotations

import pytest

from rapport.contacts.models import Contact
from rapport.core.errors import Forbidden, NotFound
from rapport.core.models import AuditEntry
from rapport.core.permissions import can, require, visible
from rapport.workspaces.models import Team
from rapport.workspaces.queries import principal_for
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def test_visible_applies_workspace_soft_delete_and_scope(workspace, other_workspace) -> None:
    from django.utils import timezone

    rep_user, _ = make_member(workspace, "sales_rep")
    mate_user, _ = make_member(workspace, "sales_rep")
    stranger_user, _ = make_member(workspace, "sales_rep")
    team = Team.objects.create(workspace=workspace, name="East")
    team.members.set([rep_user, mate_user])
    mine = Contact.objects.create(workspace=workspace, first_name="mine", owner=rep_user)
    mates = Contact.objects.create(workspace=workspace, first_name="mates", owner=mate_user)
    Contact.objects.create(workspace=workspace, first_name="strangers", owner=stranger_user)
    Contact.objects.create(
        workspace=workspace, first_name="gone", owner=rep_user, deleted_at=timezone.now()
    )
    Contact.objects.create(workspace=other_workspace, first_name="elsewhere", owner=rep_user)
    rep = principal_for(rep_user, workspace.pk)

    def names(action: str) -> list[str]:
        qs = visible(rep, Contact.objects.all(), "contact", action)
        return sorted(qs.values_list("first_name", flat=True))

    assert names("view") == ["mates", "mine", "strangers"]  # sales rep views all
    assert names("edit") == ["mine"]  # ...but edits own
    assert names("import") == []  # no grant at all
    manager_user, _ = make_member(workspace, "manager")
    team.members.add(manager_user)
    manager = principal_for(manager_user, workspace.pk)
    assert sorted(
        visible(manager, Contact.objects.all(), "contact", "edit").values_list(
            "first_name", flat=True
        )
    ) == ["mates", "mine"]
    assert can(manager, "edit", "contact", mates) and not can(rep, "edit", "contact", mates)
    assert can(rep, "edit", "contact", mine)


def test_require_hides_other_workspaces_behind_not_found(workspace, other_workspace) -> None:
    _, rep = make_member(workspace, "sales_rep")
    foreign = Contact.objects.create(workspace=other_workspace, first_name="x")
    with pytest.raises(NotFound):
        require(rep, "view", "contact", foreign)
    with pytest.raises(Forbidden):
        require(rep, "delete", "user")


def test_audit_log_is_append_only(owner) -> None:
    entry = AuditEntry.objects.filter(workspace_id=owner.workspace_id).first()
    assert entry is not None
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="tampered")
    with pytest.raises(PermissionError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "create"
