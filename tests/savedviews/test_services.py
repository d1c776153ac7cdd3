"""Saved views: private to their owner, shared by the right roles, validated by syntax, audited."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry
from rapport.savedviews.models import SavedView
from rapport.savedviews.queries import get_saved_view, list_saved_views
from rapport.savedviews.services import create_saved_view, delete_saved_view, update_saved_view
from rapport.workspaces.services import create_role
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def make_view(principal: Any, **overrides: Any) -> SavedView:
    fields: dict[str, Any] = {"object_type": "contact", "name": "Customers"} | overrides
    return create_saved_view(principal, **fields)


def _names(principal: Any, object_type: str | None = "contact") -> list[str]:
    page = list_saved_views(principal, ListParams(), object_type)
    return [view.name for view in page.items]


def _state() -> tuple[list[Any], int]:
    """Every saved view row and the audit log length: compared before and after a refusal."""
    return list(SavedView.objects.order_by("pk").values()), AuditEntry.objects.count()


def test_create_update_delete_are_audited(owner: Any) -> None:
    view = make_view(
        owner,
        columns=["first_name", " custom.score "],
        filters=["lifecycle_stage:eq:customer", "email:is-empty"],
        sort=" -created_at, last_name",
    )
    assert (view.owner_id, view.is_shared, view.columns, view.sort, view.position) == (
        owner.user_id,
        False,
        ["first_name", "custom.score"],
        "-created_at,last_name",
        0,
    )
    update_saved_view(owner, view.pk, {"name": "Key customers", "columns": ["last_name"]}, 1)
    delete_saved_view(owner, view.pk)
    assert not SavedView.objects.filter(pk=view.pk).exists()
    entries = AuditEntry.objects.filter(object_type="saved_view", object_id=view.pk)
    assert list(entries.order_by("pk").values_list("action", "actor_user_id")) == [
        ("create", owner.user_id),
        ("update", owner.user_id),
        ("delete", owner.user_id),
    ]
    assert entries.get(action="create").changes["filters"] == [
        "lifecycle_stage:eq:customer",
        "email:is-empty",
    ]
    assert entries.get(action="update").changes == {
        "columns": [["first_name", "custom.score"], ["last_name"]],
        "name": ["Customers", "Key customers"],
    }


def test_private_view_is_invisible_to_everyone_else(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    view = make_view(rep, name="My hot leads")
    before = _state()
    with pytest.raises(NotFound):
        get_saved_view(owner, view.pk)
    with pytest.raises(NotFound):
        update_saved_view(owner, view.pk, {"name": "Taken over"}, 1)
    with pytest.raises(NotFound):
        delete_saved_view(owner, view.pk)
    assert _names(owner) == []
    assert _names(rep) == ["My hot leads"]
    assert _state() == before


def test_shared_view_is_visible_to_every_member(workspace: Any, owner: Any) -> None:
    view = make_view(owner, name="All customers", is_shared=True)
    for role in ("sales_rep", "read_only", "support_agent"):
        _, member = make_member(workspace, role)
        assert get_saved_view(member, view.pk) == view
        assert _names(member) == ["All customers"]


def test_sales_rep_keeps_private_views_but_cannot_share(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    mine = make_view(rep, name="Mine")
    shared = make_view(owner, name="Team view", is_shared=True)
    before = _state()
    with pytest.raises(Forbidden):
        make_view(rep, name="For everyone", is_shared=True)
    with pytest.raises(Forbidden):
        update_saved_view(rep, mine.pk, {"is_shared": True}, 1)
    with pytest.raises(Forbidden):
        update_saved_view(rep, shared.pk, {"columns": ["first_name"]}, 1)
    with pytest.raises(Forbidden):
        delete_saved_view(rep, shared.pk)
    assert _state() == before


def test_manager_manages_shared_views(workspace: Any, owner: Any) -> None:
    _, manager = make_member(workspace, "manager")
    view = make_view(owner, name="Team view", is_shared=True)
    update_saved_view(manager, view.pk, {"sort": "-updated_at"}, 1)
    mine = make_view(manager, name="Mine")
    update_saved_view(manager, mine.pk, {"is_shared": True}, 1)
    delete_saved_view(manager, view.pk)
    assert list(SavedView.objects.values_list("name", "is_shared")) == [("Mine", True)]


def test_unsharing_gives_the_view_back_to_its_creator(workspace: Any, owner: Any) -> None:
    _, manager = make_member(workspace, "manager")
    view = make_view(owner, name="Team view", is_shared=True)
    update_saved_view(manager, view.pk, {"is_shared": False}, 1)
    assert _names(manager) == []
    assert (_names(owner), get_saved_view(owner, view.pk).owner_id) == (
        ["Team view"],
        owner.user_id,
    )


def test_views_follow_the_right_to_view_their_object_type(workspace: Any, owner: Any) -> None:
    role = create_role(owner, "Company desk", {"company": {"view": "all"}})
    _, desk = make_member(workspace, role.key)
    contact_view = make_view(owner, name="Contacts", is_shared=True)
    make_view(owner, object_type="company", name="Companies", is_shared=True)
    before = _state()
    with pytest.raises(Forbidden):
        make_view(desk, name="Mine")
    with pytest.raises(NotFound):
        get_saved_view(desk, contact_view.pk)
    assert _names(desk, None) == ["Companies"]
    assert _state() == before
    assert make_view(desk, object_type="company", name="Mine").owner_id == desk.user_id


def test_names_are_unique_per_owner_and_among_shared_views(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    make_view(owner, name="Customers")
    make_view(owner, name="Customers", is_shared=True)  # a shared view is another list
    make_view(rep, name="customers")  # so is another user's
    make_view(owner, name="Customers", object_type="company")  # and another object type
    other = make_view(owner, name="Leads", is_shared=True)
    before = _state()
    with pytest.raises(Conflict, match="You already have a private contact view"):
        make_view(owner, name=" CUSTOMERS ")
    with pytest.raises(Conflict, match="There is already a shared contact view"):
        make_view(owner, name="customers", is_shared=True)
    with pytest.raises(Conflict):
        update_saved_view(owner, other.pk, {"name": "Customers"}, 1)
    assert _state() == before


@pytest.mark.parametrize(
    ("fields", "loc"),
    [
        ({"object_type": "spaceship"}, ("object_type",)),
        ({"name": "   "}, ("name",)),
        ({"name": "x" * 101}, ("name",)),
        ({"columns": "first_name"}, ("columns",)),
        ({"columns": ["first_name", ""]}, ("columns", 1)),
        ({"columns": ["first_name", "first_name"]}, ("columns", 1)),
        ({"columns": [f"c{n}" for n in range(51)]}, ("columns",)),
        ({"filters": ["city:eq:Paris", "city"]}, ("filters", 1)),
        ({"filters": [":eq:x"]}, ("filters", 0)),
        ({"filters": ["city:like:Paris"]}, ("filters", 0)),
        ({"sort": "-"}, ("sort",)),
        ({"sort": "last name"}, ("sort",)),
        ({"position": -1}, ("position",)),
    ],
)
def test_invalid_input_names_the_field(owner: Any, fields: dict[str, Any], loc: Any) -> None:
    with pytest.raises(Invalid) as info:
        make_view(owner, **fields)
    assert [e.loc for e in info.value.errors] == [loc]
    assert not SavedView.objects.exists()


def test_filters_are_checked_for_syntax_only(owner: Any) -> None:
    # Whether a field exists depends on custom fields; the list reports it when it runs.
    view = make_view(owner, filters=["custom.gone:gt:3", "no_such_field:eq:x"])
    assert view.filters == ["custom.gone:gt:3", "no_such_field:eq:x"]


def test_stale_version_is_refused(owner: Any) -> None:
    view = make_view(owner)
    update_saved_view(owner, view.pk, {"sort": "last_name"}, 1)
    before = _state()
    with pytest.raises(PreconditionFailed):
        update_saved_view(owner, view.pk, {"sort": "first_name"}, 1)
    assert _state() == before


def test_list_shows_own_private_views_first_then_shared_in_position_order(
    workspace: Any, owner: Any
) -> None:
    _, rep = make_member(workspace, "sales_rep")
    make_view(owner, name="Shared B", is_shared=True)
    make_view(owner, name="Shared A", is_shared=True, position=0)
    make_view(rep, name="Zeta")
    make_view(rep, name="Alpha")
    make_view(owner, name="Owner's own")
    make_view(rep, name="Companies", object_type="company")
    assert _names(rep) == ["Zeta", "Alpha", "Shared A", "Shared B"]
    # Without an object type: still private first, then by position across types.
    assert _names(rep, None) == ["Companies", "Zeta", "Alpha", "Shared A", "Shared B"]
