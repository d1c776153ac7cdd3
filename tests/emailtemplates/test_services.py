"""Email template services: validated and audited writes, rights, tenancy, real-record previews."""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from django.apps import apps

from rapport.contacts.services import create_contact
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry
from rapport.core.permissions import ACTIONS
from rapport.emailtemplates.models import EmailTemplate
from rapport.emailtemplates.queries import get_email_template
from rapport.emailtemplates.rendering import RenderedEmail
from rapport.emailtemplates.services import (
    create_email_template,
    delete_email_template,
    preview_email,
    preview_email_template,
    update_email_template,
)
from rapport.workspaces.models import Role, User
from rapport.workspaces.queries import principal_for
from rapport.workspaces.roles import BUILTIN_ROLES
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

WELCOME = 'Hello {{ contact.first_name or "there" }},\nwelcome to {{ workspace.name }}.'


def make_template(principal: Any, **overrides: Any) -> EmailTemplate:
    fields = {"name": "Welcome", "subject": "Hi {{ contact.first_name }}", "body": WELCOME}
    return create_email_template(principal, **(fields | overrides))


def _state() -> tuple[list[Any], int]:
    """Every template row and the audit log length: compared before and after a refusal."""
    return list(EmailTemplate.objects.order_by("pk").values()), AuditEntry.objects.count()


def _errors(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[tuple[str | int, ...], str]]:
    return [(e.loc, e.msg) for e in exc.value.errors]


def test_create_update_delete_are_audited(owner: Any) -> None:
    template = make_template(owner, name="  Welcome  ", description="First email")
    assert (template.name, template.created_by_id, template.version) == (
        "Welcome",
        owner.user_id,
        1,
    )
    update_email_template(owner, template.pk, {"subject": "Welcome, {{ contact.full_name }}"}, 1)
    delete_email_template(owner, template.pk)
    template.refresh_from_db()
    assert (template.version, template.deleted_at is not None) == (3, True)
    with pytest.raises(NotFound):
        get_email_template(owner, template.pk)
    entries = AuditEntry.objects.filter(object_type="email_template", object_id=template.pk)
    assert list(entries.order_by("pk").values_list("action", flat=True)) == [
        "create",
        "update",
        "delete",
    ]
    assert entries.get(action="create").changes == {
        "name": "Welcome",
        "description": "First email",
        "subject": "Hi {{ contact.first_name }}",
        "body": WELCOME,
    }
    assert entries.get(action="update").changes == {
        "subject": ["Hi {{ contact.first_name }}", "Welcome, {{ contact.full_name }}"]
    }


def test_names_are_unique_among_live_templates_only(owner: Any) -> None:
    first = make_template(owner)
    with pytest.raises(Conflict):
        make_template(owner, name="WELCOME")
    delete_email_template(owner, first.pk)
    again = make_template(owner, name="welcome")
    assert again.pk != first.pk
    assert make_template(owner_principal(make_workspace("Globex"))).name == "Welcome"


def test_every_bad_field_is_reported_at_once_and_nothing_is_saved(owner: Any) -> None:
    before = _state()
    with pytest.raises(Invalid) as caught:
        make_template(owner, name=" ", subject="Hi {{ contact.first_name", body="x" * 20_001)
    assert _errors(caught) == [
        (("name",), "The name has 1 to 100 characters."),
        (("subject",), "Line 1: unexpected end of template, expected 'end of print statement'."),
        (("body",), "The body has 1 to 20,000 characters."),
    ]
    with pytest.raises(Invalid) as caught:
        make_template(owner, body="Hi\n\n{% for x in contact %}{% endfor %}")
    assert _errors(caught) == [
        (("body",), "Line 3: loops ({% for %}) are not supported in email templates")
    ]
    assert _state() == before


def test_update_checks_the_version_and_the_text(owner: Any) -> None:
    template = make_template(owner)
    before = _state()
    with pytest.raises(PreconditionFailed):
        update_email_template(owner, template.pk, {"name": "Renamed"}, expected_version=7)
    with pytest.raises(Invalid) as caught:
        update_email_template(owner, template.pk, {"body": "{{ contact.nope }}"}, 1)
    assert _errors(caught) == [(("body",), "Line 1: contact.nope is not a merge field")]
    with pytest.raises(Invalid):
        update_email_template(owner, template.pk, {"created_by_id": 1}, 1)
    assert _state() == before


@pytest.mark.parametrize("role", ["sales_rep", "support_agent", "read_only"])
def test_a_role_without_the_right_changes_nothing(workspace: Any, owner: Any, role: str) -> None:
    template = make_template(owner)
    _, member = make_member(workspace, role)
    before = _state()
    assert get_email_template(member, template.pk).name == "Welcome"  # every role may read
    with pytest.raises(Forbidden):
        make_template(member, name="Mine")
    with pytest.raises(Forbidden):
        update_email_template(member, template.pk, {"name": "Taken over"}, 1)
    with pytest.raises(Forbidden):
        delete_email_template(member, template.pk)
    assert _state() == before


@pytest.mark.parametrize("role", ["manager", "marketer"])
def test_managers_and_marketers_write_but_do_not_delete(
    workspace: Any, owner: Any, role: str
) -> None:
    _, member = make_member(workspace, role)
    template = make_template(member)
    update_email_template(member, template.pk, {"name": "Renamed"}, 1)
    with pytest.raises(Forbidden):
        delete_email_template(member, template.pk)
    template.refresh_from_db()
    assert (template.name, template.deleted_at) == ("Renamed", None)


def test_another_workspaces_template_is_not_found(owner: Any) -> None:
    theirs = make_template(owner_principal(make_workspace("Globex")))
    before = _state()
    for attempt in (
        lambda: get_email_template(owner, theirs.pk),
        lambda: update_email_template(owner, theirs.pk, {"name": "Mine"}, 1),
        lambda: delete_email_template(owner, theirs.pk),
        lambda: preview_email_template(owner, theirs.pk),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert _state() == before


def test_preview_renders_with_a_real_contact(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@x.io"}]})
    assert preview_email_template(owner, template.pk, contact_id=ada.pk) == RenderedEmail(
        "Hi Ada", f"Hello Ada,\nwelcome to {workspace.name}."
    )
    assert preview_email_template(owner, template.pk) == RenderedEmail(
        "Hi", f"Hello there,\nwelcome to {workspace.name}."
    )


def test_preview_of_another_workspaces_contact_is_not_found(owner: Any) -> None:
    template = make_template(owner)
    theirs = create_contact(owner_principal(make_workspace("Globex")), {"first_name": "Eve"})
    with pytest.raises(NotFound):
        preview_email_template(owner, template.pk, contact_id=theirs.pk)
    with pytest.raises(NotFound):
        preview_email(owner, "Hi", "{{ contact.first_name }}", contact_id=theirs.pk)


def test_unsaved_preview_runs_the_save_checks(owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    rendered = preview_email(
        owner, "For {{ contact.first_name }}", "Dear {{ contact.first_name }}", ada.pk
    )
    assert rendered == RenderedEmail("For Ada", "Dear Ada")
    with pytest.raises(Invalid) as caught:
        preview_email(owner, "", "{{ contact.first_name }", ada.pk)
    assert _errors(caught) == [
        (("subject",), "The subject has 1 to 200 characters."),
        (("body",), "Line 1: unexpected '}'"),
    ]


def test_a_role_without_the_template_grant_cannot_preview(workspace: Any, owner: Any) -> None:
    template = make_template(owner)
    _, member = make_member(workspace, "read_only")
    Role.objects.filter(workspace=workspace, key="read_only").update(grants={})
    stripped = principal_for(User.objects.get(pk=member.user_id), workspace.pk)
    with pytest.raises(NotFound):
        preview_email_template(stripped, template.pk)
    with pytest.raises(Forbidden):
        preview_email(stripped, "Hi", "Body")


def test_the_migration_grants_existing_built_in_roles(workspace: Any) -> None:
    migration = importlib.import_module(
        "rapport.emailtemplates.migrations.0002_grant_builtin_roles"
    )
    roles = Role.objects.filter(workspace=workspace)
    for role in roles:
        role.grants = {k: v for k, v in role.grants.items() if k != "email_template"}
        role.save(update_fields=["grants"])
    Role.objects.create(workspace=workspace, key="helpers", name="Helpers", grants={})
    migration.grant(apps, None)
    grants = {role.key: role.grants.get("email_template") for role in roles.all()}
    assert grants["owner"] == grants["admin"] == {a: "all" for a in ACTIONS}
    assert (
        grants["manager"] == grants["marketer"] == {"view": "all", "create": "all", "edit": "all"}
    )
    assert grants["sales_rep"] == grants["read_only"] == {"view": "all"}
    assert grants["helpers"] is None  # a custom role stays as its admin made it
    built_in = {key: role["grants"]["email_template"] for key, role in BUILTIN_ROLES.items()}
    assert {k: v for k, v in grants.items() if k != "helpers"} == built_in
