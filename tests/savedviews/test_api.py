"""The saved views API: who sees and changes which view, If-Match, problem+json field errors."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.core.models import AuditEntry
from rapport.savedviews.models import SavedView
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db

PATH = "/api/v1/saved-views"


def _body(**overrides: Any) -> dict[str, Any]:
    return {
        "object_type": "contact",
        "name": "Customers",
        "columns": ["first_name", "last_name", "custom.score"],
        "filters": ["lifecycle_stage:eq:customer"],
        "sort": "-created_at",
    } | overrides


def _state() -> tuple[list[Any], int]:
    return list(SavedView.objects.order_by("pk").values()), AuditEntry.objects.count()


def _list_queries(api: Any) -> int:
    """Every query of a whole list request, once the token's first-use writes are done."""
    api.get(f"{PATH}?limit=1")
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(f"{PATH}?object_type=contact&limit=200").status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_fixed_number_of_queries(api: Any) -> None:
    api.post(PATH, _body())
    few = _list_queries(api)
    for n in range(10):
        api.post(PATH, _body(name=f"View {n}", is_shared=n % 2 == 0))
    # token, rate counter, count, page
    assert few == _list_queries(api) == 4


def test_private_view_is_404_for_another_member_and_unchanged(api: Any, workspace: Any) -> None:
    view = api.post(PATH, _body()).json()
    url = f"{PATH}/{view['id']}"
    _, manager = make_member(workspace, "manager")
    other = api_client_for(manager)
    before = _state()
    assert other.get(url).status_code == 404
    assert (
        other.patch(url, {"name": "Mine now"}, **{"If-Match": f'"{view["id"]}-1"'}).status_code
        == 404
    )
    assert other.delete(url).status_code == 404
    assert other.get(PATH).json()["items"] == []
    assert _state() == before
    assert api.get(url).json() == view


def test_shared_view_is_listed_for_every_member(api: Any, workspace: Any) -> None:
    view = api.post(PATH, _body(is_shared=True)).json()
    _, rep = make_member(workspace, "sales_rep")
    listed = api_client_for(rep).get(f"{PATH}?object_type=contact")
    assert (listed.status_code, listed.json()["items"]) == (200, [view])
    assert api_client_for(rep).get(f"{PATH}?object_type=company").json()["items"] == []


def test_sales_rep_makes_private_views_but_not_shared_ones(workspace: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    client = api_client_for(rep)
    created = client.post(PATH, _body())
    assert created.status_code == 201
    assert (created.json()["owner_id"], created.json()["is_shared"]) == (rep.user_id, False)
    before = _state()
    refused = client.post(PATH, _body(name="For everyone", is_shared=True))
    assert (refused.status_code, refused["Content-Type"]) == (403, "application/problem+json")
    url = f"{PATH}/{created.json()['id']}"
    shared = client.patch(url, {"is_shared": True}, **{"If-Match": created["ETag"]})
    assert shared.status_code == 403
    assert _state() == before


def test_read_only_token_cannot_keep_private_views(workspace: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    view = api_client_for(rep).post(PATH, _body()).json()
    reader = api_client_for(rep, can_write=False)
    before = _state()
    assert reader.get(f"{PATH}/{view['id']}").status_code == 200
    assert reader.post(PATH, _body(name="Other")).status_code == 403
    url = f"{PATH}/{view['id']}"
    assert reader.patch(url, {"name": "x"}, **{"If-Match": f'"{view["id"]}-1"'}).status_code == 403
    assert reader.delete(url).status_code == 403
    assert _state() == before


def test_another_workspace_cannot_see_or_touch_views(api: Any, other_workspace: Any) -> None:
    private = api.post(PATH, _body()).json()
    shared = api.post(PATH, _body(is_shared=True)).json()
    stranger = api_client_for(owner_principal(other_workspace))
    before = _state()
    for view in (private, shared):
        url = f"{PATH}/{view['id']}"
        assert stranger.get(url).status_code == 404
        if_match = {"If-Match": f'"{view["id"]}-1"'}
        assert stranger.patch(url, {"name": "x"}, **if_match).status_code == 404
        assert stranger.delete(url).status_code == 404
    assert stranger.get(PATH).json()["items"] == []
    assert _state() == before


def test_update_needs_the_current_version(api: Any) -> None:
    created = api.post(PATH, _body())
    url = f"{PATH}/{created.json()['id']}"
    patched = api.patch(url, {"columns": ["last_name"]}, **{"If-Match": created["ETag"]})
    assert (patched.status_code, patched.json()["columns"], patched.json()["version"]) == (
        200,
        ["last_name"],
        2,
    )
    before = _state()
    stale = api.patch(url, {"columns": ["first_name"]}, **{"If-Match": created["ETag"]})
    assert (stale.status_code, stale.json()["type"]) == (
        412,
        "https://rapport.dev/problems/stale-version",
    )
    assert _state() == before


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        (_body(object_type="invoice"), ["object_type"]),
        (_body(name=""), ["name"]),
        (_body(columns=["first_name", "first_name"]), ["columns", 1]),
        (_body(columns=["first_name", 3]), ["columns", 1]),
        (_body(filters=["city:eq:Paris", "oops"]), ["filters", 1]),
        (_body(sort="last_name,,"), ["sort"]),
        (_body(position=2**31), ["position"]),
    ],
)
def test_invalid_input_is_a_422_naming_the_field(api: Any, body: dict[str, Any], loc: Any) -> None:
    response = api.post(PATH, body)
    assert (response.status_code, response["Content-Type"]) == (422, "application/problem+json")
    assert [e["loc"] for e in response.json()["errors"]] == [loc]
    assert not SavedView.objects.exists()


def test_duplicate_name_is_409(api: Any) -> None:
    assert api.post(PATH, _body()).status_code == 201
    response = api.post(PATH, _body(name="customers"))
    assert (response.status_code, response.json()["type"]) == (
        409,
        "https://rapport.dev/problems/conflict",
    )
    assert SavedView.objects.count() == 1


def test_unknown_object_type_in_the_list_is_422(api: Any) -> None:
    response = api.get(f"{PATH}?object_type=spaceship")
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["object_type"]
