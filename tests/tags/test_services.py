"""Tags: names are unique per workspace regardless of case."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Conflict, Forbidden, Invalid
from rapport.tags.models import Tag
from rapport.tags.services import create_tag, delete_tag, resolve_tags, update_tag
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def test_names_are_unique_ignoring_case(owner: Any) -> None:
    create_tag(owner, "VIP")
    with pytest.raises(Conflict):
        create_tag(owner, " vip ")
    other = create_tag(owner, "Partner")
    with pytest.raises(Conflict):
        update_tag(owner, other.pk, {"name": "Vip"})
    assert sorted(Tag.objects.values_list("name", "version")) == [("Partner", 1), ("VIP", 1)]
    create_tag(owner_principal(make_workspace("Other")), "vip")  # other workspaces are separate


def test_duplicate_over_the_api_is_409(api: Any) -> None:
    assert api.post("/api/v1/tags", {"name": "VIP"}).status_code == 201
    response = api.post("/api/v1/tags", {"name": "vip"})
    assert (response.status_code, response.json()["type"]) == (
        409,
        "https://rapport.dev/problems/conflict",
    )
    assert Tag.objects.count() == 1


def test_colour_is_validated(owner: Any) -> None:
    with pytest.raises(Invalid) as info:
        create_tag(owner, "VIP", "red")
    assert info.value.errors[0].loc == ("color",)
    assert create_tag(owner, "VIP", "#AABBCC").color == "#aabbcc"


def test_resolving_names_creates_tags_only_if_the_role_may(workspace: Any, owner: Any) -> None:
    _, reader = make_member(workspace, "read_only")
    with pytest.raises(Invalid) as info:
        resolve_tags(reader, ["New"])
    assert info.value.errors[0].loc == ("tags", 0)
    assert not Tag.objects.exists()
    assert [t.name for t in resolve_tags(owner, ["New", "new"])] == ["New"]


def test_sales_rep_cannot_delete_tags(workspace: Any, owner: Any) -> None:
    tag = create_tag(owner, "VIP")
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        delete_tag(rep, tag.pk)
    assert Tag.objects.filter(pk=tag.pk).exists()
