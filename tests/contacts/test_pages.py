"""The contact pages: list, record page with in-place edits and conflicts, new form, bulk."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, update_contact
from rapport.core.models import AuditEntry
from rapport.customfields.services import create_custom_field
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def admin(workspace: Any) -> Any:
    user, _ = make_member(workspace, "admin")
    return user


def _list_queries(client: Client) -> int:
    client.get("/contacts")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/contacts").status_code == 200
    return len(ctx.captured_queries)


def test_list_shows_this_workspaces_contacts_escaped_in_fixed_queries(owner, admin) -> None:
    other = owner_principal(make_workspace("Globex"))
    create_contact(other, {"first_name": "Hidden", "last_name": "Elsewhere"})
    firm = create_company(owner, {"name": "Acme"})
    create_contact(owner, {"first_name": "<b>Bold</b>", "company_id": firm.pk, "tags": ["vip"]})
    client = _client(admin)
    few = _list_queries(client)
    for n in range(10):
        create_contact(owner, {"first_name": f"N{n}", "emails": [{"email": f"{n}@x.io"}]})

    html = client.get("/contacts").content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "Elsewhere" not in html and '<a href="/companies/' in html
    assert _list_queries(client) == few


def test_filters_sort_and_columns_come_from_the_url(owner, admin) -> None:
    create_custom_field(
        owner, object_type="contact", key="score", label="Score", field_type="integer"
    )
    create_contact(owner, {"first_name": "Ada", "last_name": "B", "custom": {"score": 7}})
    create_contact(owner, {"first_name": "Bob", "last_name": "A", "custom": {"score": 3}})
    client = _client(admin)

    html = client.get(
        "/contacts",
        {"f_field": ["custom.score"], "f_op": ["gte"], "f_value": ["5"], "col": ["custom.score"]},
    ).content.decode()
    assert "Ada" in html and "Bob" not in html and ">Score<" in html and ">7<" in html
    ordered = client.get("/contacts", {"sort": "last_name"}).content.decode()
    assert ordered.index("Bob") < ordered.index("Ada")
    bad = client.get("/contacts", {"filter": "birthday:gt:soon"})
    assert bad.status_code == 200 and "not a valid date" in bad.content.decode()


def test_new_contact_with_a_custom_field_and_inline_errors(owner, admin) -> None:
    create_custom_field(
        owner, object_type="contact", key="tier", label="Tier", field_type="single_select",
        options=[{"value": "gold"}, {"value": "silver"}],
    )  # fmt: skip
    client = _client(admin)

    bad = client.post("/contacts/new", {"first_name": "Ada", "emails": "not-an-email"})
    assert bad.status_code == 422 and not Contact.objects.exists()
    page = bad.content.decode()
    assert "not-an-email</textarea>" in page and 'value="Ada"' in page  # what was typed stays

    ok = client.post(
        "/contacts/new",
        {
            "first_name": "Ada",
            "emails": "ada@x.io",
            "lifecycle_stage": "lead",
            "custom__tier": "gold",
        },
    )
    contact = Contact.objects.get()
    assert ok["Location"] == f"/contacts/{contact.pk}"
    assert (contact.primary_email, contact.custom, contact.owner_id) == (
        "ada@x.io",
        {"tier": "gold"},
        admin.pk,
    )


def test_duplicate_email_warning(owner, admin) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@x.io"}]})
    html = _client(admin).get("/contacts/duplicates", {"emails": "ADA@x.io"}).content.decode()
    assert f'href="/contacts/{ada.pk}"' in html and "Already in this workspace" in html


def _save(client: Client, contact: Contact, name: str, value: str, original: str) -> Any:
    data = {"version": contact.version, "original": original, name: value}
    return client.post(f"/contacts/{contact.pk}/fields/{name}", data, HTTP_HX_REQUEST="true")


def test_inline_edit_saves_audits_and_reports_errors_in_place(owner, admin) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    client = _client(admin)

    saved = _save(client, ada, "job_title", "Countess", '""')
    assert saved.status_code == 200 and "Countess" in saved.content.decode()
    assert saved["HX-Trigger"] == "record-changed"
    ada.refresh_from_db()
    assert ada.job_title == "Countess"
    assert AuditEntry.objects.filter(object_id=ada.pk, action="update").count() == 1

    bad = _save(client, ada, "country", "Narnia", '""')
    assert bad.status_code == 422 and "two-letter" in bad.content.decode()
    assert 'value="Narnia"' in bad.content.decode()
    ada.refresh_from_db()
    assert ada.country == ""


def test_a_conflicting_edit_shows_both_values_and_overwrites_nothing(owner, admin) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "job_title": "Analyst"})
    stale = Contact.objects.get(pk=ada.pk)
    update_contact(owner, ada.pk, {"job_title": "Engineer"})  # someone else saves first

    response = _save(_client(admin), stale, "job_title", "Countess", '"Analyst"')

    html = response.content.decode()
    assert response.status_code == 409 and "Engineer" in html and 'value="Countess"' in html
    ada.refresh_from_db()
    assert ada.job_title == "Engineer"


def test_an_edit_to_another_field_is_merged_not_refused(owner, admin) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "job_title": "Analyst"})
    stale = Contact.objects.get(pk=ada.pk)
    update_contact(owner, ada.pk, {"city": "London"})

    assert _save(_client(admin), stale, "job_title", "Countess", '"Analyst"').status_code == 200
    ada.refresh_from_db()
    assert (ada.job_title, ada.city) == ("Countess", "London")


def test_read_only_users_get_no_edit_controls_and_cannot_write(workspace, owner) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    reader, _ = make_member(workspace, "read_only")
    client = _client(reader)

    page = client.get(f"/contacts/{ada.pk}").content.decode()
    assert "Edit Job title" not in page and "Delete" not in page
    assert client.get(f"/contacts/{ada.pk}/fields/job_title/edit").status_code == 404
    assert _save(client, ada, "job_title", "Hacked", '""').status_code == 403
    assert client.post("/contacts/new", {"first_name": "X"}).status_code == 403
    ada.refresh_from_db()
    assert (ada.job_title, Contact.objects.count()) == ("", 1)


def test_another_workspaces_contact_is_not_found(owner, admin) -> None:
    theirs = create_contact(owner_principal(make_workspace("Globex")), {"first_name": "Z"})
    client = _client(admin)
    assert client.get(f"/contacts/{theirs.pk}").status_code == 404
    assert _save(client, theirs, "job_title", "X", '""').status_code == 404
    theirs.refresh_from_db()
    assert theirs.job_title == ""


def test_bulk_assign_owner_and_a_denied_bulk_changes_nothing(workspace, owner, admin) -> None:
    a = create_contact(owner, {"first_name": "A"})
    b = create_contact(owner, {"first_name": "B"})
    rep, rep_principal = make_member(workspace, "sales_rep")
    mine = create_contact(rep_principal, {"first_name": "Mine"})

    done = _client(admin).post(
        "/contacts/bulk", {"ids": [a.pk, b.pk], "action": "owner", "owner_id": rep.pk}
    )
    assert done.status_code == 302
    assert set(Contact.objects.filter(owner_id=rep.pk).values_list("pk", flat=True)) == {
        a.pk, b.pk, mine.pk,
    }  # fmt: skip

    other = create_contact(owner, {"first_name": "Other"})
    rep_client = _client(rep)
    rep_client.post("/contacts/bulk", {"ids": [mine.pk, other.pk], "action": "stage",
                                       "lifecycle_stage": "customer"})  # fmt: skip
    assert set(Contact.objects.values_list("lifecycle_stage", flat=True)) == {"lead"}
    listing = rep_client.get("/contacts").content.decode()
    assert "Nothing was changed" in listing


def test_delete_moves_the_contact_to_the_restore_bin(owner, admin) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    response = _client(admin).post(f"/contacts/{ada.pk}/delete")
    ada.refresh_from_db()
    assert response["Location"] == "/contacts" and ada.deleted_at is not None


def test_bulk_with_another_workspaces_or_no_id_changes_nothing(owner, admin) -> None:
    mine = create_contact(owner, {"first_name": "Mine"})
    theirs = create_contact(owner_principal(make_workspace("Globex")), {"first_name": "Theirs"})
    client = _client(admin)
    ids = [mine.pk, theirs.pk, theirs.pk + 1000]
    response = client.post("/contacts/bulk", {"ids": ids, "action": "add_tag", "tag": "vip"})
    assert response.status_code == 302
    response = client.post("/contacts/bulk", {"ids": [theirs.pk + 1000], "action": "add_tag",
                                              "tag": "vip"})  # fmt: skip
    assert response.status_code == 302
    assert not mine.tags.exists() and not theirs.tags.exists()
    assert "Nothing was changed" in client.get("/contacts").content.decode()


def test_export_the_list_or_the_selected_contacts_as_csv(owner, admin) -> None:
    a = create_contact(owner, {"first_name": "Ann", "lifecycle_stage": "customer"})
    create_contact(owner, {"first_name": "Ben"})
    client = _client(admin)
    listing = client.get("/contacts", {"filter": "lifecycle_stage:eq:customer"}).content.decode()
    assert (
        'href="/api/v1/contacts/export?filter=lifecycle_stage%3Aeq%3Acustomer&amp;sort="' in listing
    )

    chosen = client.post("/contacts/bulk", {"ids": [a.pk], "action": "export"})
    assert chosen["Location"] == f"/api/v1/contacts/export?filter=id%3Ain%3A{a.pk}"
    csv = b"".join(client.get(chosen["Location"]).streaming_content).decode()
    assert "Ann" in csv and "Ben" not in csv
