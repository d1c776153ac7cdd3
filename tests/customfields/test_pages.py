"""Settings > Custom fields: list in order, create, edit, reorder, delete with its consequences."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.customfields.models import CustomField
from rapport.customfields.services import create_custom_field
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _field(principal: Any, key: str, object_type: str = "contact", **kw: Any) -> CustomField:
    return create_custom_field(
        principal,
        object_type=object_type,
        key=key,
        label=key.title(),
        field_type=kw.pop("field_type", "text"),
        **kw,
    )


def _keys_in_order(html: str) -> list[str]:
    return [part.split("</code>", 1)[0] for part in html.split('<td data-label="Key"><code>')[1:]]


def test_list_shows_one_object_type_in_position_order_in_fixed_queries(workspace, owner) -> None:
    _field(owner, "zeta")
    _field(owner, "hq_city", "company")
    client = owner_client(workspace)

    few = page_queries(client, "/settings/custom-fields")
    for n in range(9):
        _field(owner, f"f{n}", help_text="<em>help</em>")
    html = client.get("/settings/custom-fields").content.decode()
    assert _keys_in_order(html) == ["zeta", *(f"f{n}" for n in range(9))]
    assert "&lt;em&gt;help&lt;/em&gt;" in html
    companies = client.get("/settings/custom-fields", {"object_type": "company"}).content.decode()
    assert _keys_in_order(companies) == ["hq_city"]
    assert page_queries(client, "/settings/custom-fields") == few


def test_owner_creates_a_select_field_with_one_option_per_line(workspace) -> None:
    data = {
        "object_type": "company",
        "label": "Region",
        "key": "region",
        "field_type": "single_select",
        "options": "emea | Europe\r\napac\r\n\r\n",
        "help_text": "Where they buy",
        "is_required": "on",
    }
    response = owner_client(workspace).post("/settings/custom-fields/new", data)
    assert response["Location"] == "/settings/custom-fields?object_type=company"
    field = CustomField.objects.get(workspace=workspace, key="region")
    assert (field.object_type, field.label, field.is_required) == ("company", "Region", True)
    assert field.options == [
        {"value": "emea", "label": "Europe"},
        {"value": "apac", "label": "apac"},
    ]
    assert (
        AuditEntry.objects.filter(
            object_type="custom_field", object_id=field.pk, action="create"
        ).count()
        == 1
    )


def test_create_errors_show_inline_and_keep_what_was_typed(workspace, owner) -> None:
    client = owner_client(workspace)
    data = {"object_type": "contact", "label": "Score", "key": "Bad Key", "field_type": "integer"}
    bad = client.post("/settings/custom-fields/new", data)
    html = bad.content.decode()
    assert bad.status_code == 422 and 'value="Bad Key"' in html
    assert "Use lower-case letters, digits and _" in html
    no_options = client.post(
        "/settings/custom-fields/new", {**data, "key": "tier", "field_type": "multi_select"}
    )
    assert no_options.status_code == 422
    assert "A select field needs a list of options." in no_options.content.decode()
    _field(owner, "score")
    taken = client.post("/settings/custom-fields/new", {**data, "key": "score"})
    assert taken.status_code == 409 and "already used" in taken.content.decode()
    assert CustomField.objects.filter(workspace=workspace).count() == 1


def test_owner_edits_label_options_help_and_required(workspace, owner) -> None:
    field = _field(owner, "tier", field_type="single_select", options=[{"value": "a"}])
    client = owner_client(workspace)
    page = client.get(f"/settings/custom-fields/{field.pk}").content.decode()
    assert "<code>tier</code> (fixed)" in page and 'name="key"' not in page
    data = {
        "label": "Tier level",
        "options": "a | Gold\nb",
        "help_text": "Pick one",
        "is_required": "on",
        "version": str(field.version),
    }
    assert client.post(f"/settings/custom-fields/{field.pk}", data).status_code == 302
    field.refresh_from_db()
    assert (field.label, field.help_text, field.is_required) == ("Tier level", "Pick one", True)
    assert field.options == [{"value": "a", "label": "Gold"}, {"value": "b", "label": "b"}]
    (entry,) = AuditEntry.objects.filter(
        object_type="custom_field", object_id=field.pk, action="update"
    )
    assert entry.changes["label"] == ["Tier", "Tier level"]
    stale = client.post(f"/settings/custom-fields/{field.pk}", {**data, "label": "Old view"})
    assert stale.status_code == 409 and 'value="Old view"' in stale.content.decode()
    field.refresh_from_db()
    assert field.label == "Tier level"


def test_up_and_down_buttons_reorder_fields(workspace, owner) -> None:
    first, second, third = (_field(owner, k) for k in ("first", "second", "third"))
    client = owner_client(workspace)
    client.post(f"/settings/custom-fields/{third.pk}/move", {"direction": "up"})
    html = client.get("/settings/custom-fields").content.decode()
    assert _keys_in_order(html) == ["first", "third", "second"]
    assert 'aria-label="Move First up" disabled' in html
    client.post(f"/settings/custom-fields/{first.pk}/move", {"direction": "down"})
    order = CustomField.objects.filter(workspace=workspace).order_by("position")
    assert [f.key for f in order] == ["third", "first", "second"]
    assert (
        AuditEntry.objects.filter(
            object_type="custom_field", object_id=second.pk, action="update"
        ).count()
        == 1
    )


def test_delete_asks_first_then_hides_the_field_and_keeps_values(workspace, owner) -> None:
    field = _field(owner, "score", field_type="integer")
    contact = create_contact(owner, {"first_name": "Ada", "custom": {"score": 7}})
    client = owner_client(workspace)
    page = client.get(f"/settings/custom-fields/{field.pk}/delete").content.decode()
    assert "kept in the records but hidden" in page
    assert "The key <code>score</code> stays reserved" in page
    assert CustomField.objects.get(pk=field.pk).deleted_at is None
    assert client.post(f"/settings/custom-fields/{field.pk}/delete").status_code == 302
    assert CustomField.objects.get(pk=field.pk).deleted_at is not None
    assert Contact.objects.get(pk=contact.pk).custom == {"score": 7}
    assert "score" not in client.get("/settings/custom-fields").content.decode()
    again = {"object_type": "contact", "label": "Score", "key": "score", "field_type": "text"}
    assert client.post("/settings/custom-fields/new", again).status_code == 409
    assert (
        AuditEntry.objects.filter(
            object_type="custom_field", object_id=field.pk, action="delete"
        ).count()
        == 1
    )


def test_sales_rep_sees_fields_read_only_and_cannot_change_them(workspace, owner) -> None:
    field = _field(owner, "score")
    rep, _ = make_member(workspace, "sales_rep")
    client = signed_in(rep)
    html = client.get("/settings/custom-fields").content.decode()
    assert "score" in html and "New field" not in html and "Delete…" not in html
    assert client.get("/settings/custom-fields/new").status_code == 403
    assert client.get(f"/settings/custom-fields/{field.pk}/delete").status_code == 403
    new = {"object_type": "contact", "label": "X", "key": "x", "field_type": "text"}
    edit = {"label": "Changed", "version": "1"}
    writes = [
        ("/settings/custom-fields/new", new),
        (f"/settings/custom-fields/{field.pk}", edit),
        (f"/settings/custom-fields/{field.pk}/move", {"direction": "down"}),
        (f"/settings/custom-fields/{field.pk}/delete", {}),
    ]
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    field.refresh_from_db()
    assert (field.label, field.deleted_at, field.version) == ("Score", None, 1)
    assert CustomField.objects.filter(workspace=workspace).count() == 1


def test_another_workspaces_field_is_not_found(workspace) -> None:
    theirs = _field(owner_principal(make_workspace("Globex")), "theirs")
    client = owner_client(workspace)
    assert client.get(f"/settings/custom-fields/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/custom-fields/{theirs.pk}/delete").status_code == 404
    assert CustomField.objects.get(pk=theirs.pk).deleted_at is None
