"""Contacts: emails, phones, company moves, consent, owners, soft delete and restore."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rapport.companies.services import create_company
from rapport.contacts.models import Contact, PastCompany
from rapport.contacts.services import (
    create_contact,
    delete_contact,
    hard_delete_contact,
    restore_contact,
    update_contact,
)
from rapport.core.errors import Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry
from rapport.search.models import SearchEntry
from rapport.workspaces.models import Team
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def make_contact(principal: Any, **overrides: Any) -> Contact:
    return create_contact(principal, {"first_name": "Ada", "last_name": "Lovelace", **overrides})


def test_emails_are_lower_cased_with_one_primary(owner: Any) -> None:
    contact = make_contact(
        owner, emails=[{"email": "Ada@Work.io"}, {"email": "ADA@home.io", "is_primary": True}]
    )
    rows = list(contact.emails.order_by("id").values_list("email", "is_primary"))
    assert rows == [("ada@work.io", False), ("ada@home.io", True)]
    assert contact.primary_email == "ada@home.io"


def test_switching_the_primary_email_updates_primary_email(owner: Any) -> None:
    contact = make_contact(owner, emails=[{"email": "a@x.io"}, {"email": "b@x.io"}])
    assert contact.primary_email == "a@x.io"
    update_contact(
        owner,
        contact.pk,
        {"emails": [{"email": "a@x.io"}, {"email": "b@x.io", "is_primary": True}]},
    )
    contact.refresh_from_db()
    assert contact.primary_email == "b@x.io"
    assert list(contact.emails.filter(is_primary=True).values_list("email", flat=True)) == [
        "b@x.io"
    ]


def test_bad_or_duplicate_emails_are_field_errors(owner: Any) -> None:
    with pytest.raises(Invalid) as info:
        make_contact(owner, emails=[{"email": "nope"}, {"email": "a@x.io"}, {"email": "A@x.io"}])
    assert [e.loc for e in info.value.errors] == [("emails", 0, "email"), ("emails", 2, "email")]
    with pytest.raises(Invalid) as two:
        make_contact(
            owner,
            emails=[
                {"email": "a@x.io", "is_primary": True},
                {"email": "b@x.io", "is_primary": True},
            ],
        )
    assert two.value.errors[0].loc == ("emails", 1, "is_primary")
    assert not Contact.objects.exists()


def test_phones_are_stored_in_e164_read_in_the_workspace_country(
    owner: Any, workspace: Any
) -> None:
    workspace.default_country = "DE"
    workspace.save()
    contact = make_contact(
        owner, phones=[{"number": "030 1234567"}, {"number": "+1 201-555-0123", "kind": "mobile"}]
    )
    rows = list(contact.phones.order_by("id").values_list("number", "kind", "is_primary"))
    assert rows == [("+49301234567", "work", True), ("+12015550123", "mobile", False)]


def test_bad_phone_reports_its_index(owner: Any) -> None:
    with pytest.raises(Invalid) as info:
        make_contact(owner, phones=[{"number": "+12015550123"}, {"number": "123"}])
    assert [e.loc for e in info.value.errors] == [("phones", 1, "number")]
    assert not Contact.objects.exists()


def test_moving_company_records_the_past_company(owner: Any) -> None:
    old = create_company(owner, {"name": "Old Co"})
    new = create_company(owner, {"name": "New Co"})
    contact = make_contact(owner, company_id=old.pk, job_title="CTO")
    update_contact(owner, contact.pk, {"company_id": new.pk, "job_title": "CEO"})
    past = PastCompany.objects.get(contact=contact)
    assert (past.company_id, past.job_title, past.ended_on) == (old.pk, "CTO", timezone.localdate())
    contact.refresh_from_db()
    assert (contact.company_id, contact.job_title) == (new.pk, "CEO")


def test_company_of_another_workspace_is_invalid(owner: Any) -> None:
    elsewhere = make_workspace("Other")
    foreign = create_company(owner_principal(elsewhere), {"name": "Foreign"})
    with pytest.raises(Invalid) as info:
        make_contact(owner, company_id=foreign.pk)
    assert info.value.errors[0].loc == ("company_id",)
    assert not Contact.objects.exists()


def test_consent_change_is_stamped(owner: Any) -> None:
    contact = make_contact(owner)
    assert (contact.consent_status, contact.consent_at) == ("unknown", None)
    before = timezone.now()
    update_contact(owner, contact.pk, {"consent_status": "granted", "consent_source": "form"})
    contact.refresh_from_db()
    assert contact.consent_status == "granted"
    assert contact.consent_at is not None and contact.consent_at >= before
    stamped = contact.consent_at
    update_contact(owner, contact.pk, {"job_title": "CTO"})
    contact.refresh_from_db()
    assert contact.consent_at == stamped


def test_tags_by_id_or_name(owner: Any) -> None:
    first = make_contact(owner, tags=["VIP"])
    vip = first.tags.get()
    second = make_contact(owner, tags=[vip.pk, "vip", "Partner"])
    assert sorted(second.tags.values_list("name", flat=True)) == ["Partner", "VIP"]


def test_owner_defaults_to_the_creator(workspace: Any) -> None:
    user, rep = make_member(workspace, "sales_rep")
    assert make_contact(rep).owner_id == user.pk


def test_sales_rep_cannot_give_records_to_others(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        make_contact(rep, owner_id=owner.user_id)
    contact = make_contact(rep)
    with pytest.raises(Forbidden):
        update_contact(rep, contact.pk, {"owner_id": owner.user_id})
    contact.refresh_from_db()
    assert (contact.owner_id, contact.version) == (rep.user_id, 1)


def test_admin_reassigns_to_active_members_only(workspace: Any, owner: Any) -> None:
    user, _ = make_member(workspace, "sales_rep")
    contact = make_contact(owner)
    update_contact(owner, contact.pk, {"owner_id": user.pk})
    contact.refresh_from_db()
    assert contact.owner_id == user.pk
    outsider, _ = make_member(make_workspace("Other"), "admin")
    with pytest.raises(Invalid) as info:
        update_contact(owner, contact.pk, {"owner_id": outsider.pk})
    assert info.value.errors[0].loc == ("owner_id",)


def test_sales_rep_edits_own_records_only_manager_edits_team(workspace: Any, owner: Any) -> None:
    rep_user, rep = make_member(workspace, "sales_rep")
    other_user, other_rep = make_member(workspace, "sales_rep")
    manager_user, _ = make_member(workspace, "manager")
    team = Team.objects.create(workspace=workspace, name="East")
    team.members.add(rep_user, manager_user)
    from rapport.workspaces.queries import principal_for

    manager = principal_for(manager_user, workspace.pk)
    mine, theirs = make_contact(rep), make_contact(other_rep)
    update_contact(rep, mine.pk, {"job_title": "CTO"})
    with pytest.raises(Forbidden):
        update_contact(rep, theirs.pk, {"job_title": "CTO"})
    update_contact(manager, mine.pk, {"job_title": "CEO"})  # a teammate's record
    with pytest.raises(Forbidden):
        update_contact(manager, theirs.pk, {"job_title": "CEO"})  # outside the team
    assert Contact.objects.get(pk=mine.pk).job_title == "CEO"
    assert Contact.objects.get(pk=theirs.pk).job_title == ""
    assert other_user.pk == theirs.owner_id


def test_stale_version_changes_nothing(owner: Any) -> None:
    contact = make_contact(owner)
    with pytest.raises(PreconditionFailed):
        update_contact(owner, contact.pk, {"job_title": "CTO"}, expected_version=3)
    contact.refresh_from_db()
    assert (contact.job_title, contact.version) == ("", 1)


def test_soft_delete_and_restore(owner: Any) -> None:
    contact = make_contact(owner, emails=[{"email": "a@x.io"}])
    delete_contact(owner, contact.pk)
    contact.refresh_from_db()
    assert contact.deleted_at is not None and contact.version == 2
    assert not SearchEntry.objects.filter(object_type="contact", object_id=contact.pk).exists()
    with pytest.raises(NotFound):
        update_contact(owner, contact.pk, {"job_title": "x"})
    restore_contact(owner, contact.pk)
    contact.refresh_from_db()
    assert (contact.deleted_at, contact.version) == (None, 3)
    entry = SearchEntry.objects.get(object_type="contact", object_id=contact.pk)
    assert entry.text == "ada lovelace a@x.io"
    actions = AuditEntry.objects.filter(object_id=contact.pk, object_type="contact")
    assert list(actions.order_by("pk").values_list("action", flat=True)) == [
        "create",
        "delete",
        "restore",
    ]


def test_hard_delete_is_for_admins(workspace: Any, owner: Any) -> None:
    _, manager = make_member(workspace, "manager")
    contact = make_contact(owner)
    with pytest.raises(Forbidden):
        hard_delete_contact(manager, contact.pk)
    assert Contact.objects.filter(pk=contact.pk).exists()
    hard_delete_contact(owner, contact.pk)
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert AuditEntry.objects.filter(object_id=contact.pk, action="hard_delete").count() == 1


def test_update_audit_holds_the_diff(owner: Any) -> None:
    contact = make_contact(owner, emails=[{"email": "a@x.io"}])
    update_contact(owner, contact.pk, {"last_name": "Byron", "emails": [{"email": "b@x.io"}]})
    entry = AuditEntry.objects.get(object_id=contact.pk, action="update")
    assert entry.changes == {
        "emails": [["a@x.io"], ["b@x.io"]],
        "last_name": ["Lovelace", "Byron"],
        "primary_email": ["a@x.io", "b@x.io"],
    }
