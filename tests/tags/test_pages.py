"""Settings > Tags: list by name, create, rename, recolour, delete after saying who carries it."""

from __future__ import annotations

import pytest

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.tags.models import Tag
from rapport.tags.services import create_tag
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _audit(tag_id: int, action: str) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(object_type="tag", object_id=tag_id, action=action))


def test_list_shows_tags_by_name_escaped_in_fixed_queries(workspace, owner) -> None:
    create_tag(owner, "<b>vip</b>", "#aa0000")
    create_tag(owner_principal(make_workspace("Globex")), "elsewhere")
    client = owner_client(workspace)

    few = page_queries(client, "/settings/tags")
    for n in range(9):
        create_tag(owner, f"tag {n}")
    html = client.get("/settings/tags").content.decode()
    assert "&lt;b&gt;vip&lt;/b&gt;" in html and "<b>vip" not in html
    assert '<rect width="16" height="16" rx="4" fill="#aa0000"/>' in html
    assert html.index("tag 0") < html.index("tag 8") and "elsewhere" not in html
    assert page_queries(client, "/settings/tags") == few


def test_owner_creates_renames_and_recolours_a_tag(workspace) -> None:
    client = owner_client(workspace)
    assert client.post("/settings/tags", {"name": "Lead", "color": "#123456"}).status_code == 302
    tag = Tag.objects.get(workspace=workspace)
    assert (tag.name, tag.color) == ("Lead", "#123456")
    data = {"name": "Hot lead", "color": "#abcdef", "version": str(tag.version)}
    assert client.post(f"/settings/tags/{tag.pk}", data).status_code == 302
    tag.refresh_from_db()
    assert (tag.name, tag.color) == ("Hot lead", "#abcdef")
    (update,) = _audit(tag.pk, "update")
    assert update.changes == {"name": ["Lead", "Hot lead"], "color": ["#123456", "#abcdef"]}
    assert len(_audit(tag.pk, "create")) == 1


def test_tag_errors_show_inline_and_keep_what_was_typed(workspace, owner) -> None:
    create_tag(owner, "Taken")
    client = owner_client(workspace)
    bad = client.post("/settings/tags", {"name": "<New>", "color": "red"})
    html = bad.content.decode()
    assert bad.status_code == 422 and 'value="&lt;New&gt;"' in html
    assert "Use a colour like #64748b." in html
    taken = client.post("/settings/tags", {"name": "taken", "color": "#000000"})
    assert taken.status_code == 409 and "already exists" in taken.content.decode()
    assert list(Tag.objects.filter(workspace=workspace).values_list("name", flat=True)) == ["Taken"]


def test_delete_says_how_many_records_carry_the_tag(workspace, owner) -> None:
    tag = create_tag(owner, "vip")
    contact = create_contact(owner, {"first_name": "Ada", "tags": ["vip"]})
    create_contact(owner, {"first_name": "Bob", "tags": ["vip"]})
    create_company(owner, {"name": "Firm", "tags": ["vip"]})
    client = owner_client(workspace)
    page = client.get(f"/settings/tags/{tag.pk}/delete").content.decode()
    assert "It is taken off 2 contacts and 1 company" in page
    assert Tag.objects.filter(pk=tag.pk).exists()
    assert client.post(f"/settings/tags/{tag.pk}/delete").status_code == 302
    assert not Tag.objects.filter(pk=tag.pk).exists()
    assert Contact.objects.get(pk=contact.pk).tags.count() == 0
    assert len(_audit(tag.pk, "delete")) == 1


def test_sales_rep_may_create_but_not_edit_or_delete(workspace, owner) -> None:
    tag = create_tag(owner, "vip", "#111111")
    rep, _ = make_member(workspace, "sales_rep")
    client = signed_in(rep)
    html = client.get("/settings/tags").content.decode()
    assert "Create tag" in html and "Delete…" not in html and ">Edit<" not in html
    assert "Save tag" not in client.get(f"/settings/tags/{tag.pk}").content.decode()
    data = {"name": "changed", "color": "#222222", "version": "1"}
    assert client.post(f"/settings/tags/{tag.pk}", data).status_code == 403
    assert client.get(f"/settings/tags/{tag.pk}/delete").status_code == 403
    assert client.post(f"/settings/tags/{tag.pk}/delete").status_code == 403
    tag.refresh_from_db()
    assert (tag.name, tag.color, tag.version) == ("vip", "#111111", 1)
    reader, _ = make_member(workspace, "read_only")
    assert (
        signed_in(reader).post("/settings/tags", {"name": "x", "color": "#000000"}).status_code
        == 403
    )
    assert Tag.objects.filter(workspace=workspace).count() == 1


def test_another_workspaces_tag_is_not_found(workspace) -> None:
    theirs = create_tag(owner_principal(make_workspace("Globex")), "theirs")
    client = owner_client(workspace)
    assert client.get(f"/settings/tags/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/tags/{theirs.pk}/delete").status_code == 404
    assert Tag.objects.filter(pk=theirs.pk).exists()
