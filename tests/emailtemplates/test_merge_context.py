"""merge_context: plain dicts of exactly the fields the principal may view, nothing else."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.permissions import Principal
from rapport.customfields.services import create_custom_field
from rapport.emailtemplates.queries import merge_context, merge_field_help
from rapport.workspaces.models import User
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def _fields(owner: Principal) -> None:
    create_custom_field(
        owner,
        object_type="contact",
        key="plan",
        label="Plan",
        field_type="single_select",
        options=[{"value": "gold", "label": "Gold plan"}, {"value": "free"}],
    )
    create_custom_field(owner, object_type="contact", key="vip", label="VIP", field_type="boolean")
    create_custom_field(
        owner, object_type="contact", key="budget", label="Budget", field_type="currency"
    )
    create_custom_field(owner, object_type="contact", key="buddy", label="Buddy", field_type="user")
    create_custom_field(
        owner, object_type="company", key="tier", label="Tier", field_type="integer"
    )


def _contact(
    owner: Principal, company_custom: dict[str, Any] | None = None, **overrides: Any
) -> Contact:
    company = create_company(owner, {"name": "Analytical Engines", "domains": ["engines.io"],
                                     "industry": "Computing", "city": "London",
                                     "custom": company_custom or {}})  # fmt: skip
    data = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "job_title": "Analyst",
        "city": "London",
        "country": "GB",
        "lifecycle_stage": "sales_qualified",
        "company_id": company.pk,
        "emails": [{"email": "ada@engines.io"}],
        "phones": [{"number": "+442071234567"}],
    }
    return create_contact(owner, data | overrides)


def test_a_contact_its_company_owner_and_user_as_plain_dicts(workspace: Any, owner: Any) -> None:
    _fields(owner)
    User.objects.filter(pk=owner.user_id).update(full_name="Grace Hopper")
    buddy, _ = make_member(workspace, "sales_rep", full_name="Alan Turing")
    custom = {"plan": "gold", "vip": True, "budget": {"amount": "1200.50", "currency": "EUR"},
              "buddy": buddy.pk}  # fmt: skip
    contact = _contact(owner, company_custom={"tier": 2}, custom=custom)
    context = merge_context(owner, contact=contact, user=buddy)
    grace = {"first_name": "Grace", "full_name": "Grace Hopper", "email": context["owner"]["email"]}
    assert context == {
        "workspace": {"name": workspace.name},
        "contact": {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "full_name": "Ada Lovelace",
            "email": "ada@engines.io",
            "phone": "+442071234567",
            "job_title": "Analyst",
            "city": "London",
            "country": "GB",
            "lifecycle_stage": "Sales qualified",
            "owner_name": "Grace Hopper",
            "custom": {
                "plan": "Gold plan",
                "vip": "Yes",
                "budget": "1200.50 EUR",
                "buddy": "Alan Turing",
            },
        },
        "company": {
            "name": "Analytical Engines",
            "domain": "engines.io",
            "industry": "Computing",
            "city": "London",
            "custom": {"tier": 2},
        },
        "owner": grace,
        "user": {"first_name": "Alan", "full_name": "Alan Turing", "email": buddy.email},
    }


def test_a_record_the_role_may_not_view_is_absent(workspace: Any, owner: Any) -> None:
    contact = _contact(owner)
    companies_only = Principal(
        workspace_id=workspace.pk,
        user_id=owner.user_id,
        grants={"company": {"view": "all"}, "user": {"view": "all"}},
    )
    context = merge_context(companies_only, contact=contact)
    assert set(context) == {"workspace"}  # not even the contact's company, reached through it
    no_users = Principal(
        workspace_id=workspace.pk, user_id=owner.user_id, grants={"contact": {"view": "all"}}
    )
    context = merge_context(no_users, contact=contact, company=contact.company)
    assert set(context) == {"workspace", "contact"}
    assert context["contact"]["first_name"] == "Ada"


def test_an_own_scope_sees_only_its_own_contacts(workspace: Any, owner: Any) -> None:
    contact = _contact(owner)
    _, rep = make_member(workspace, "sales_rep")
    own_only = Principal(
        workspace_id=workspace.pk, user_id=rep.user_id, grants={"contact": {"view": "own"}}
    )
    assert "contact" not in merge_context(own_only, contact=contact)


def test_another_workspaces_records_and_users_are_absent(workspace: Any, owner: Any) -> None:
    theirs = owner_principal(make_workspace("Globex"))
    contact = _contact(theirs)
    stranger = User.objects.get(pk=theirs.user_id)
    context = merge_context(owner, contact=contact, company=contact.company, user=stranger)
    assert context == {"workspace": {"name": workspace.name}}


def test_deleted_custom_fields_and_empty_values_are_left_out(owner: Any) -> None:
    _fields(owner)
    contact = _contact(owner, custom={"plan": "free"})
    Contact.objects.filter(pk=contact.pk).update(custom={"plan": "free", "gone": "stale"})
    contact.refresh_from_db()
    assert merge_context(owner, contact=contact)["contact"]["custom"] == {"plan": "free"}


def test_help_lists_every_field_and_the_workspaces_custom_keys(owner: Any) -> None:
    _fields(owner)
    groups = {group.label: group.fields for group in merge_field_help(owner)}
    contact_fields = groups["Contact"]
    assert ("{{ contact.first_name }}", "First name") in contact_fields
    assert ("{{ contact.custom.plan }}", "Plan") in contact_fields
    assert groups["Workspace"] == [("{{ workspace.name }}", "Name")]
    assert not any(code.endswith(".custom }}") for code, _ in contact_fields)
