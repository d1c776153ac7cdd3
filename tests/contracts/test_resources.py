"""The contract every resource in tests/contracts/resources.py keeps: CRUD, lists, permissions,
tenancy, optimistic concurrency, no mass assignment, audit and idempotent creation."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry, IdempotencyRecord
from tests.conftest import api_client_for, make_member, owner_principal
from tests.contracts.resources import RESOURCES, Resource

pytestmark = [pytest.mark.django_db, pytest.mark.parametrize("res", RESOURCES, ids=str)]


def _create(api: Any, res: Resource) -> dict[str, Any]:
    response = api.post(res.path, res.make_body())
    assert response.status_code == 201, response.content
    return response.json()


def _state(res: Resource) -> tuple[list[Any], int]:
    """Every row of the resource's table and the audit log length: compared before and after."""
    rows = list(res.model.objects.order_by("pk").values())  # type: ignore[attr-defined]
    return rows, AuditEntry.objects.count()


def test_crud_round_trip(res: Resource, api: Any) -> None:
    body = res.make_body()
    created = api.post(res.path, body)
    assert created.status_code == 201
    item = created.json()
    url = f"{res.path}/{item['id']}"
    assert created["Location"] == url
    assert created["ETag"] == f'"{item["id"]}-1"'
    fetched = api.get(url)
    assert (fetched.status_code, fetched.json(), fetched["ETag"]) == (
        200,
        item,
        f'"{item["id"]}-1"',
    )

    patched = api.patch(url, res.patch_body, **{"If-Match": created["ETag"]})
    assert patched.status_code == 200, patched.content
    assert patched["ETag"] == f'"{item["id"]}-2"'
    for name, value in res.patch_body.items():
        assert patched.json()[name] == value
    assert patched.json()["version"] == 2

    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    still_stored = res.model.objects.filter(pk=item["id"]).exists()  # type: ignore[attr-defined]
    assert still_stored is res.soft_delete


def test_list_filters_sorts_and_trims_fields(res: Resource, api: Any) -> None:
    first, second = _create(api, res), _create(api, res)
    term = res.filter_for(second)
    response = api.get(f"{res.path}?filter={term}&fields=version")
    assert response.status_code == 200
    assert response.json() == {
        "items": [{"id": second["id"], "version": 1}],
        "next_cursor": None,
        "total": 1,
        "total_is_capped": False,
    }
    page = api.get(f"{res.path}?sort=-created_at&limit=1&fields=id").json()
    assert (page["items"], page["total"]) == ([{"id": second["id"]}], 2)
    rest = api.get(f"{res.path}?sort=-created_at&limit=1&fields=id&cursor={page['next_cursor']}")
    assert rest.json()["items"] == [{"id": first["id"]}]
    assert rest.json()["next_cursor"] is None


def test_bad_list_parameters_are_field_errors(res: Resource, api: Any) -> None:
    response = api.get(f"{res.path}?filter=nope:eq:1&sort=nope")
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert api.get(f"{res.path}?limit=500").status_code == 422


@pytest.mark.parametrize("how", ["read_only role", "read-only token"])
def test_without_the_right_nothing_changes(
    res: Resource, api: Any, workspace: Any, how: str
) -> None:
    item = _create(api, res)
    url = f"{res.path}/{item['id']}"
    if how == "read_only role":
        _, principal = make_member(workspace, "read_only")
        client = api_client_for(principal)
    else:
        client = api_client_for(owner_principal(workspace), can_write=False)
    before = _state(res)
    assert client.get(url).status_code == 200
    assert client.post(res.path, res.make_body()).status_code == 403
    assert client.patch(url, res.patch_body, **{"If-Match": f'"{item["id"]}-1"'}).status_code == 403
    assert client.delete(url).status_code == 403
    assert _state(res) == before


def test_another_workspace_sees_nothing(res: Resource, api: Any, other_workspace: Any) -> None:
    item = _create(api, res)
    url = f"{res.path}/{item['id']}"
    stranger = api_client_for(owner_principal(other_workspace))
    before = _state(res)
    assert stranger.get(url).status_code == 404
    assert stranger.get(res.path).json()["items"] == []
    assert (
        stranger.patch(url, res.patch_body, **{"If-Match": f'"{item["id"]}-1"'}).status_code == 404
    )
    assert stranger.delete(url).status_code == 404
    assert _state(res) == before
    if res.search_for is not None:
        query = f"/api/v1/search?q={res.search_for(item)}&types={res.object_type}"
        found = api.get(query).json()["results"][res.object_type]
        assert [hit["id"] for hit in found] == [item["id"]]  # the owner's workspace finds it
        assert stranger.get(query).json()["results"].get(res.object_type, []) == []


def test_updates_need_a_current_if_match(res: Resource, api: Any) -> None:
    item = _create(api, res)
    url = f"{res.path}/{item['id']}"
    before = _state(res)
    missing = api.patch(url, res.patch_body)
    assert (missing.status_code, missing.json()["type"]) == (
        428,
        "https://rapport.dev/problems/if-match-required",
    )
    stale = api.patch(url, res.patch_body, **{"If-Match": f'"{item["id"]}-7"'})
    assert (stale.status_code, stale["Content-Type"]) == (412, "application/problem+json")
    assert _state(res) == before


def test_read_only_fields_are_refused(res: Resource, api: Any, other_workspace: Any) -> None:
    item = _create(api, res)
    before = _state(res)
    created = api.post(res.path, {**res.make_body(), "workspace_id": other_workspace.pk})
    assert created.status_code == 422
    assert created.json()["errors"] == [
        {"loc": ["workspace_id"], "msg": "Unknown or read-only field.", "type": "extra_forbidden"}
    ]
    url = f"{res.path}/{item['id']}"
    patched = api.patch(url, {"version": 99, "id": 5}, **{"If-Match": f'"{item["id"]}-1"'})
    assert patched.status_code == 422
    assert sorted(e["loc"][0] for e in patched.json()["errors"]) == ["id", "version"]
    assert _state(res) == before


def test_writes_are_audited_with_their_changes(res: Resource, api: Any, owner: Any) -> None:
    body = res.make_body()
    item = api.post(res.path, body).json()
    url = f"{res.path}/{item['id']}"
    api.patch(url, res.patch_body, **{"If-Match": f'"{item["id"]}-1"'})
    api.delete(url)
    entries = AuditEntry.objects.filter(object_type=res.object_type, object_id=item["id"])
    actions = list(entries.order_by("pk").values_list("action", "actor_user_id"))
    assert actions == [
        ("create", owner.user_id),
        ("update", owner.user_id),
        ("delete", owner.user_id),
    ]
    assert entries.get(action="update").changes == res.patch_changes(body)


def test_idempotency_key_replays_the_first_response(res: Resource, api: Any) -> None:
    body = res.make_body()
    first = api.post(res.path, body, **{"Idempotency-Key": "k-1"})
    count = res.model.objects.count()  # type: ignore[attr-defined]
    again = api.post(res.path, body, **{"Idempotency-Key": "k-1"})
    assert (again.status_code, again.json(), again["ETag"]) == (201, first.json(), first["ETag"])
    assert again["Idempotent-Replayed"] == "true"
    assert res.model.objects.count() == count  # type: ignore[attr-defined]
    other = api.post(res.path, res.make_body(), **{"Idempotency-Key": "k-1"})
    assert other.status_code == 422
    assert other.json()["errors"][0]["loc"] == ["Idempotency-Key"]
    assert res.model.objects.count() == count  # type: ignore[attr-defined]
    assert IdempotencyRecord.objects.filter(key="k-1").count() == 1
