"""Settings > Restore bin: deleted records with who and when, restore, and erasing for admins."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.activities.services import create_activity, delete_activity
from rapport.companies.services import create_company, delete_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, delete_contact
from rapport.core.models import AuditEntry
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _binned_contact(principal: Any, name: str) -> Contact:
    contact = create_contact(principal, {"first_name": name})
    delete_contact(principal, contact.pk)
    return contact


def test_bin_lists_deleted_records_with_who_when_and_days_left(workspace, owner) -> None:
    create_contact(owner, {"first_name": "Alive"})
    gone = _binned_contact(owner, "<b>Gone</b>")
    Contact.objects.filter(pk=gone.pk).update(deleted_at=timezone.now() - dt.timedelta(days=3))
    html = owner_client(workspace).get("/settings/restore-bin").content.decode()
    row = html.split(f'<tr id="bin-contact-{gone.pk}">', 1)[1].split("</tr>", 1)[0]
    assert "&lt;b&gt;Gone&lt;/b&gt;" in row and "<b>Gone" not in html
    assert owner.extra["label"] in row
    assert '<td data-label="Days left"><span title="until' in row and ">27</span>" in row
    assert "Alive" not in html


def test_restore_brings_a_record_back_and_is_audited(workspace, owner) -> None:
    gone = _binned_contact(owner, "Gone")
    response = owner_client(workspace).post(f"/settings/restore-bin/contact/{gone.pk}/restore")
    assert response["Location"] == "/settings/restore-bin?type=contact"
    assert Contact.objects.get(pk=gone.pk).deleted_at is None
    assert (
        AuditEntry.objects.filter(
            object_type="contact", object_id=gone.pk, action="restore"
        ).count()
        == 1
    )


def test_activities_and_companies_have_their_own_tab(workspace, owner) -> None:
    company = create_company(owner, {"name": "Gone Ltd"})
    delete_company(owner, company.pk)
    contact = create_contact(owner, {"first_name": "Ada"})
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "hello"})
    delete_activity(owner, note.pk)
    client = owner_client(workspace)
    companies = client.get("/settings/restore-bin", {"type": "company"}).content.decode()
    assert "Gone Ltd" in companies and "Delete permanently" in companies
    activities = client.get("/settings/restore-bin", {"type": "activity"}).content.decode()
    assert f'id="bin-activity-{note.pk}"' in activities
    assert "Delete permanently" not in activities  # activities have no erase service
    client.post(f"/settings/restore-bin/activity/{note.pk}/restore")
    assert Activity.objects.get(pk=note.pk).deleted_at is None
    assert client.post(f"/settings/restore-bin/activity/{note.pk}/erase").status_code == 404


def test_admins_erase_for_good_with_a_confirmation(workspace, owner) -> None:
    gone = _binned_contact(owner, "Gone")
    client = owner_client(workspace)
    html = client.get("/settings/restore-bin").content.decode()
    assert 'data-confirm="Delete Gone permanently?' in html
    assert client.post(f"/settings/restore-bin/contact/{gone.pk}/erase").status_code == 302
    assert not Contact.objects.filter(pk=gone.pk).exists()
    assert (
        AuditEntry.objects.filter(
            object_type="contact", object_id=gone.pk, action="hard_delete"
        ).count()
        == 1
    )


def test_sales_reps_restore_their_own_and_never_erase(workspace, owner) -> None:
    rep_user, rep = make_member(workspace, "sales_rep")
    mine = _binned_contact(rep, "Mine")
    others = _binned_contact(owner, "Others")
    client = signed_in(rep_user)
    html = client.get("/settings/restore-bin").content.decode()
    assert "Mine" in html and "Others" not in html and "Delete permanently" not in html
    assert client.post(f"/settings/restore-bin/contact/{mine.pk}/erase").status_code == 403
    assert client.post(f"/settings/restore-bin/contact/{others.pk}/restore").status_code == 403
    assert Contact.objects.get(pk=mine.pk).deleted_at is not None
    assert Contact.objects.get(pk=others.pk).deleted_at is not None
    _reader, _ = make_member(workspace, "read_only")
    assert signed_in(_reader).get("/settings/restore-bin").status_code == 403


def test_another_workspaces_bin_is_not_found(workspace) -> None:
    theirs = _binned_contact(owner_principal(make_workspace("Globex")), "Theirs")
    client = owner_client(workspace)
    assert "Theirs" not in client.get("/settings/restore-bin").content.decode()
    assert client.post(f"/settings/restore-bin/contact/{theirs.pk}/restore").status_code == 404
    assert client.post(f"/settings/restore-bin/contact/{theirs.pk}/erase").status_code == 404
    assert Contact.objects.get(pk=theirs.pk).deleted_at is not None
    assert client.post(f"/settings/restore-bin/deal/{theirs.pk}/restore").status_code == 404


def test_bin_page_runs_a_fixed_number_of_queries(workspace, owner) -> None:
    _binned_contact(owner, "c0")
    company = create_company(owner, {"name": "Co"})
    delete_company(owner, company.pk)
    client = owner_client(workspace)

    few = page_queries(client, "/settings/restore-bin")
    for n in range(1, 10):
        _binned_contact(owner, f"c{n}")
    assert page_queries(client, "/settings/restore-bin") == few
