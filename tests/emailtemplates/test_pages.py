"""Settings > Email templates: list, editor with inline errors and a live preview, delete."""

from __future__ import annotations

import re
from typing import Any

import pytest

from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.emailtemplates.models import EmailTemplate
from rapport.emailtemplates.services import create_email_template
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db

URL = "/settings/email-templates"
WELCOME = {
    "name": "Welcome",
    "description": "",
    "subject": "Hi {{ contact.first_name }}",
    "body": 'Hello {{ contact.first_name or "there" }},\nwelcome aboard.',
}


def make_template(principal: Any, **overrides: Any) -> EmailTemplate:
    fields = {k: v for k, v in WELCOME.items() if k != "description"} | overrides
    return create_email_template(principal, **fields)


def _state() -> tuple[list[Any], int]:
    return list(EmailTemplate.objects.order_by("pk").values()), AuditEntry.objects.count()


def test_list_shows_templates_by_name_escaped_in_fixed_queries(workspace: Any, owner: Any) -> None:
    make_template(owner, name="Zebra <b>co</b>")
    make_template(owner_principal(make_workspace("Globex")), name="Elsewhere")
    client = owner_client(workspace)
    few = page_queries(client, URL)
    for n in range(9):
        make_template(owner, name=f"Template {n}")
    html = client.get(URL).content.decode()
    assert "Zebra &lt;b&gt;co&lt;/b&gt;" in html and "<b>co" not in html
    assert html.index("Template 0") < html.index("Template 8") < html.index("Zebra")
    assert "Elsewhere" not in html and "10 templates" in html
    assert page_queries(client, URL) == few


def test_settings_navigation_offers_the_section(workspace: Any) -> None:
    html = owner_client(workspace).get("/settings/tags").content.decode()
    assert f'href="{URL}"' in html and "<span>Email templates</span>" in html


def test_owner_creates_a_template(workspace: Any) -> None:
    response = owner_client(workspace).post(f"{URL}/new", WELCOME)
    assert (response.status_code, response["Location"]) == (302, URL)
    template = EmailTemplate.objects.get(workspace=workspace)
    assert (template.name, template.subject, template.body) == (
        "Welcome",
        WELCOME["subject"],
        WELCOME["body"],
    )


def test_create_with_an_error_keeps_what_was_typed(workspace: Any) -> None:
    before = _state()
    body = "Dear {{ contact.first_name }},\n{{ contact.frist_name }}"
    response = owner_client(workspace).post(
        f"{URL}/new", WELCOME | {"name": "My <draft>", "body": body}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert "Line 2: contact.frist_name is not a merge field" in html
    assert 'value="My &lt;draft&gt;"' in html
    assert "Dear {{ contact.first_name }},\n{{ contact.frist_name }}</textarea>" in html
    assert _state() == before


def test_preview_shows_a_real_contacts_name(workspace: Any, owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@x.io"}]})
    client = owner_client(workspace)
    data = {"subject": "Hi {{ contact.first_name }}", "body": WELCOME["body"], "contact_id": ada.pk}
    html = client.post(f"{URL}/preview", data).content.decode()
    assert '<dd class="email-preview-subject">Hi Ada</dd>' in html
    assert '<pre class="email-preview-body">Hello Ada,\nwelcome aboard.</pre>' in html
    fallback = client.post(f"{URL}/preview", data | {"contact_id": ""}).content.decode()
    assert "Hello there," in fallback
    assert EmailTemplate.objects.count() == 0  # previews save nothing


def test_preview_escapes_record_data_and_reports_template_errors(
    workspace: Any, owner: Any
) -> None:
    eve = create_contact(owner, {"first_name": "<script>alert(1)</script>"})
    client = owner_client(workspace)
    data = {"subject": "s", "body": "{{ contact.first_name }}", "contact_id": eve.pk}
    html = client.post(f"{URL}/preview", data).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    broken = client.post(f"{URL}/preview", data | {"body": "{{ contact.__class__ }}"})
    assert "Body: Line 1: contact.__class__ is not a merge field" in broken.content.decode()


def test_preview_of_another_workspaces_contact_shows_nothing_of_it(workspace: Any) -> None:
    eve = create_contact(owner_principal(make_workspace("Globex")), {"first_name": "Eve"})
    data = {"subject": "s", "body": "{{ contact.first_name }}", "contact_id": eve.pk}
    html = owner_client(workspace).post(f"{URL}/preview", data).content.decode()
    assert "That contact is not available" in html and "Eve" not in html


def test_editor_opens_with_a_preview_and_finds_contacts(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    ada = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    client = owner_client(workspace)
    html = client.get(f"{URL}/{template.pk}").content.decode()
    assert f'<option value="{ada.pk}" selected>Ada Lovelace</option>' in html
    assert '<pre class="email-preview-body">Hello Ada,\nwelcome aboard.</pre>' in html
    assert "{{ contact.first_name }}</code>" in html  # the merge field help
    found = client.get(f"{URL}/contact-options?q=lovel")
    assert f'<option value="{ada.pk}" selected>Ada Lovelace</option>' in found.content.decode()
    assert found["HX-Trigger-After-Swap"] == "contact-options-loaded"


def test_owner_edits_and_a_stale_version_is_refused(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    client = owner_client(workspace)
    data = WELCOME | {"name": "Hello", "version": "1"}
    assert client.post(f"{URL}/{template.pk}", data).status_code == 302
    template.refresh_from_db()
    assert (template.name, template.version) == ("Hello", 2)
    stale = client.post(f"{URL}/{template.pk}", data | {"name": "Again"})
    assert stale.status_code == 409
    assert "Someone changed this template meanwhile" in stale.content.decode()
    template.refresh_from_db()
    assert template.name == "Hello"


def test_read_only_role_sees_no_edit_controls_and_cannot_post(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)
    listing = client.get(URL).content.decode()
    assert "Welcome" in listing and "New template" not in listing and "Delete…" not in listing
    page = client.get(f"{URL}/{template.pk}").content.decode()
    assert "Save template" not in page and "Delete…" not in page
    assert re.search(r'<input type="text" name="subject" [^>]* readonly required', page)
    assert re.search(r"<textarea name=\"body\" [^>]* readonly required", page)
    before = _state()
    assert client.get(f"{URL}/new").status_code == 403
    assert client.post(f"{URL}/new", WELCOME).status_code == 403
    assert client.post(f"{URL}/{template.pk}", WELCOME | {"version": "1"}).status_code == 403
    assert client.post(f"{URL}/{template.pk}/delete").status_code == 403
    assert _state() == before


def test_delete_asks_first_then_removes_the_template(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    client = owner_client(workspace)
    question = client.get(f"{URL}/{template.pk}/delete").content.decode()
    assert "Delete the email template “Welcome”?" in question
    assert EmailTemplate.objects.get(pk=template.pk).deleted_at is None
    assert client.post(f"{URL}/{template.pk}/delete").status_code == 302
    assert EmailTemplate.objects.get(pk=template.pk).deleted_at is not None
    assert client.get(f"{URL}/{template.pk}").status_code == 404
    assert "Welcome" not in client.get(URL).content.decode()


def test_another_workspaces_template_is_not_found(workspace: Any) -> None:
    theirs = make_template(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    before = _state()
    assert client.get(f"{URL}/{theirs.pk}").status_code == 404
    assert client.post(f"{URL}/{theirs.pk}", WELCOME | {"version": "1"}).status_code == 404
    assert client.post(f"{URL}/{theirs.pk}/delete").status_code == 404
    assert _state() == before
