"""Custom fields: definitions keep keys and types fixed, and values are validated by type."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.errors import Conflict, Invalid
from rapport.customfields.models import CustomField
from rapport.customfields.queries import active_fields
from rapport.customfields.services import (
    clean_custom_values,
    create_custom_field,
    delete_custom_field,
    reorder_custom_fields,
    update_custom_field,
)
from tests.conftest import make_member, make_workspace

pytestmark = pytest.mark.django_db


def make_field(principal: Any, key: str, field_type: str, **extra: Any) -> CustomField:
    return create_custom_field(
        principal, object_type="contact", key=key, label=key.title(), field_type=field_type, **extra
    )


def _clean(workspace: Any, values: dict[str, Any], partial: bool = True) -> dict[str, Any]:
    return clean_custom_values(workspace.pk, "contact", values, partial=partial)


def _error(workspace: Any, values: dict[str, Any]) -> list[tuple[Any, ...]]:
    with pytest.raises(Invalid) as info:
        _clean(workspace, values)
    return [e.loc for e in info.value.errors]


@pytest.fixture
def fields(owner: Any) -> None:
    make_field(owner, "nickname", "text")
    make_field(owner, "bio", "long_text")
    make_field(owner, "seats", "integer")
    make_field(owner, "ratio", "decimal")
    make_field(owner, "budget", "currency", options={"currency": "eur"})
    make_field(owner, "renewal_on", "date")
    make_field(owner, "met_at", "datetime")
    make_field(owner, "is_vip", "boolean")
    region = [{"value": "emea", "label": "EMEA"}, {"value": "apac", "label": "APAC"}]
    make_field(owner, "region", "single_select", options=region)
    make_field(owner, "regions", "multi_select", options=region)
    make_field(owner, "site", "url")
    make_field(owner, "billing_email", "email")
    make_field(owner, "hotline", "phone")
    make_field(owner, "manager", "user")


def test_every_type_is_normalised(workspace: Any, owner: Any, fields: None) -> None:
    raw = {
        "nickname": "  Ada ",
        "bio": "Line one\nLine two",
        "seats": "12",
        "ratio": 0.25,
        "budget": {"amount": "1500.50"},
        "renewal_on": "2025-03-01",
        "met_at": "2025-03-01T10:00:00+02:00",
        "is_vip": True,
        "region": "emea",
        "regions": ["apac", "emea", "apac"],
        "site": "https://acme.example/about",
        "billing_email": "Billing@ACME.example",
        "hotline": "(201) 555-0123",
        "manager": owner.user_id,
    }
    assert _clean(workspace, raw, partial=False) == {
        "nickname": "Ada",
        "bio": "Line one\nLine two",
        "seats": 12,
        "ratio": "0.25",
        "budget": {"amount": "1500.50", "currency": "EUR"},
        "renewal_on": "2025-03-01",
        "met_at": "2025-03-01T08:00:00+00:00",
        "is_vip": True,
        "region": "emea",
        "regions": ["emea", "apac"],
        "site": "https://acme.example/about",
        "billing_email": "billing@acme.example",
        "hotline": "+12015550123",
        "manager": owner.user_id,
    }


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("nickname", 5),
        ("seats", 1.5),
        ("seats", True),
        ("ratio", "abc"),
        ("budget", {"amount": "1", "currency": "EURO"}),
        ("budget", "12"),
        ("renewal_on", "01/03/2025"),
        ("met_at", "2025-03-01T10:00:00"),
        ("is_vip", "yes"),
        ("region", "latam"),
        ("regions", ["emea", "latam"]),
        ("site", "ftp://acme.example"),
        ("billing_email", "not-an-email"),
        ("hotline", "12"),
        ("manager", 999999),
    ],
)
def test_bad_values_are_reported_on_their_key(
    workspace: Any, fields: None, key: str, value: Any
) -> None:
    assert _error(workspace, {key: value}) == [("custom", key)]


def test_user_must_be_a_member_of_this_workspace(workspace: Any, fields: None) -> None:
    _, stranger = make_member(make_workspace("Other"), "admin")
    assert _error(workspace, {"manager": stranger.user_id}) == [("custom", "manager")]


def test_unknown_keys_and_missing_required_values_are_refused(owner: Any, workspace: Any) -> None:
    make_field(owner, "tier", "text", is_required=True)
    with pytest.raises(Invalid) as info:
        _clean(workspace, {"nope": 1}, partial=False)
    assert [(e.loc, e.type) for e in info.value.errors] == [
        (("custom", "nope"), "unknown"),
        (("custom", "tier"), "required"),
    ]
    assert _clean(workspace, {"tier": "gold"}, partial=False) == {"tier": "gold"}
    assert _error(workspace, {"tier": None}) == [("custom", "tier")]


def test_partial_clean_marks_cleared_values(workspace: Any, fields: None) -> None:
    assert _clean(workspace, {"nickname": None, "seats": 3}) == {"nickname": None, "seats": 3}


def test_key_and_type_cannot_change_but_label_can(owner: Any) -> None:
    field = make_field(owner, "tier", "text")
    with pytest.raises(Invalid) as info:
        update_custom_field(owner, field.pk, {"key": "level", "field_type": "integer"})
    assert [e.loc for e in info.value.errors] == [("field_type",), ("key",)]
    field.refresh_from_db()
    assert (field.key, field.field_type, field.version) == ("tier", "text", 1)
    renamed = update_custom_field(owner, field.pk, {"label": "Level"}, expected_version=1)
    assert (renamed.key, renamed.label, renamed.version) == ("tier", "Level", 2)


def test_rename_and_delete_keep_record_values(owner: Any, workspace: Any) -> None:
    field = make_field(owner, "tier", "text")
    contact = create_contact(owner, {"first_name": "Ada", "custom": {"tier": "gold"}})
    update_custom_field(owner, field.pk, {"label": "Level"})
    delete_custom_field(owner, field.pk)
    assert Contact.objects.get(pk=contact.pk).custom == {"tier": "gold"}
    assert active_fields(workspace.pk, "contact") == []
    assert _error(workspace, {"tier": "silver"}) == [("custom", "tier")]
    with pytest.raises(Conflict):
        make_field(owner, "tier", "integer")  # the key stays reserved for the stored values


def test_select_needs_unique_options(owner: Any) -> None:
    with pytest.raises(Invalid) as info:
        make_field(owner, "size", "single_select", options=[{"value": "s"}, {"value": "s"}])
    assert info.value.errors[0].loc == ("options", 1, "value")
    assert not CustomField.objects.filter(key="size").exists()


def test_reorder_sets_positions(owner: Any, workspace: Any) -> None:
    a, b, c = (make_field(owner, k, "text") for k in ("a", "b", "c"))
    reorder_custom_fields(owner, "contact", [c.pk, a.pk, b.pk])
    assert [f.key for f in active_fields(workspace.pk, "contact")] == ["c", "a", "b"]
    with pytest.raises(Invalid):
        reorder_custom_fields(owner, "contact", [c.pk, a.pk])


def test_sales_rep_cannot_define_fields(workspace: Any) -> None:
    from rapport.core.errors import Forbidden

    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        make_field(rep, "tier", "text")
    assert not CustomField.objects.exists()
