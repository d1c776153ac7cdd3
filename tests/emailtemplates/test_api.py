"""The email templates API: problem+json field details, previews with real records, queries.

CRUD, rights, tenancy, If-Match and mass assignment run in tests/contracts for this resource.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.emailtemplates.models import EmailTemplate
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

PATH = "/api/v1/email-templates"


def _body(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Welcome",
        "subject": "Hi {{ contact.first_name }}",
        "body": 'Hello {{ contact.first_name or "there" }} from {{ company.name or "us" }}.',
    } | overrides


def _state() -> tuple[list[Any], int]:
    return list(EmailTemplate.objects.order_by("pk").values()), AuditEntry.objects.count()


def test_a_broken_template_is_a_problem_naming_field_and_line(api: Any) -> None:
    before = _state()
    response = api.post(PATH, _body(body="Hello\n{{ contact.first_name }\n"))
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    problem = response.json()
    assert problem["type"] == "https://rapport.dev/problems/invalid"
    assert problem["errors"] == [
        {"loc": ["body"], "msg": "Line 2: unexpected '}'", "type": "invalid"}
    ]
    escape = api.post(PATH, _body(subject="{{ ''.__class__.__mro__ }}"))
    assert escape.status_code == 422
    assert escape.json()["errors"][0]["loc"] == ["subject"]
    assert _state() == before


def test_a_duplicate_name_is_a_conflict(api: Any) -> None:
    assert api.post(PATH, _body()).status_code == 201
    before = _state()
    response = api.post(PATH, _body(name="welcome"))
    assert (response.status_code, response.json()["type"]) == (
        409,
        "https://rapport.dev/problems/conflict",
    )
    assert _state() == before


def test_preview_of_a_saved_template_with_a_contact(api: Any, owner: Any) -> None:
    template = api.post(PATH, _body()).json()
    ada = create_contact(owner, {"first_name": "Ada"})
    response = api.post(f"{PATH}/{template['id']}/preview", {"contact_id": ada.pk})
    assert (response.status_code, response.json()) == (
        200,
        {"subject": "Hi Ada", "body": "Hello Ada from us."},
    )
    nobody = api.post(f"{PATH}/{template['id']}/preview", {})
    assert nobody.json() == {"subject": "Hi", "body": "Hello there from us."}


def test_preview_of_unsaved_text_for_the_editor(api: Any, owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    count = EmailTemplate.objects.count()
    body = {"subject": "For {{ contact.full_name }}", "body": "x", "contact_id": ada.pk}
    response = api.post(f"{PATH}/preview", body)
    assert response.json() == {"subject": "For Ada Lovelace", "body": "x"}
    broken = api.post(f"{PATH}/preview", {**body, "body": "{% for c in x %}"})
    assert broken.status_code == 422
    assert broken.json()["errors"][0]["loc"] == ["body"]
    assert EmailTemplate.objects.count() == count  # a preview saves nothing


def test_preview_with_another_workspaces_contact_is_not_found(api: Any) -> None:
    template = api.post(PATH, _body()).json()
    theirs = create_contact(owner_principal(make_workspace("Globex")), {"first_name": "Eve"})
    saved = api.post(f"{PATH}/{template['id']}/preview", {"contact_id": theirs.pk})
    unsaved = api.post(f"{PATH}/preview", {"subject": "s", "body": "b", "contact_id": theirs.pk})
    assert (saved.status_code, unsaved.status_code) == (404, 404)
    assert "Eve" not in saved.content.decode() + unsaved.content.decode()


def test_a_read_only_role_and_token_may_preview(api: Any, workspace: Any, owner: Any) -> None:
    template = api.post(PATH, _body()).json()
    ada = create_contact(owner, {"first_name": "Ada"})
    _, reader = make_member(workspace, "read_only")
    for client in (api_client_for(reader), api_client_for(owner, can_write=False)):
        response = client.post(f"{PATH}/{template['id']}/preview", {"contact_id": ada.pk})
        assert response.json()["subject"] == "Hi Ada"


def test_preview_bodies_refuse_unknown_fields(api: Any) -> None:
    template = api.post(PATH, _body()).json()
    response = api.post(f"{PATH}/{template['id']}/preview", {"contact": 1})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["contact"]


def _list_queries(api: Any) -> int:
    api.get(f"{PATH}?limit=1")
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(f"{PATH}?limit=200").status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_fixed_number_of_queries(api: Any) -> None:
    api.post(PATH, _body())
    few = _list_queries(api)
    for n in range(10):
        api.post(PATH, _body(name=f"Template {n}"))
    # token, rate counter, count, page
    assert few == _list_queries(api) == 4


def test_a_nul_character_is_a_field_error_not_a_crash(api: Any) -> None:
    before = _state()
    response = api.post(PATH, _body(name="Wel\u0000come"))
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["name"], "msg": "The name cannot contain a NUL character.", "type": "invalid"}
    ]
    assert _state() == before
