"""The contacts API: lists (filters, custom fields, fixed query count), restore, hard delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.customfields.services import create_custom_field
from tests.conftest import api_client_for, make_member

pytestmark = pytest.mark.django_db


def _ids(response: Any) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


@pytest.fixture
def scored(owner: Any) -> list[Contact]:
    create_custom_field(
        owner, object_type="contact", key="score", label="Score", field_type="decimal"
    )
    create_custom_field(owner, object_type="contact", key="tier", label="Tier", field_type="text")
    return [
        create_contact(owner, {"first_name": name, "custom": {"score": score, "tier": tier}})
        for name, score, tier in [("A", "9", "gold"), ("B", "10.5", "silver"), ("C", "100", "gold")]
    ]


def test_custom_numbers_sort_as_numbers(api: Any, scored: list[Contact]) -> None:
    a, b, c = (x.pk for x in scored)
    assert _ids(api.get("/api/v1/contacts?sort=custom.score")) == [a, b, c]
    assert _ids(api.get("/api/v1/contacts?sort=-custom.score")) == [c, b, a]
    first = api.get("/api/v1/contacts?sort=custom.score&limit=2").json()
    rest = api.get(f"/api/v1/contacts?sort=custom.score&limit=2&cursor={first['next_cursor']}")
    assert _ids(rest) == [c]


def test_custom_filters_compare_by_type(api: Any, scored: list[Contact]) -> None:
    a, b, c = (x.pk for x in scored)
    assert _ids(api.get("/api/v1/contacts?filter=custom.score:gt:10&sort=first_name")) == [b, c]
    assert _ids(api.get("/api/v1/contacts?filter=custom.tier:eq:GOLD&sort=first_name")) == [a, c]
    # A text field's "in" compares text (it once went to SQLite as JSON: "malformed JSON").
    assert _ids(api.get("/api/v1/contacts?filter=custom.tier:in:silver,bronze")) == [b]


def test_standard_filters(api: Any, owner: Any) -> None:
    ada = create_contact(
        owner,
        {
            "first_name": "Ada",
            "emails": [{"email": "ada@x.io"}, {"email": "a2@y.io"}],
            "tags": ["VIP"],
            "lifecycle_stage": "customer",
        },
    )
    create_contact(owner, {"first_name": "Bob", "emails": [{"email": "bob@x.io"}]})
    assert _ids(api.get("/api/v1/contacts?filter=email:eq:a2@y.io")) == [ada.pk]
    assert _ids(api.get("/api/v1/contacts?filter=tags:eq:vip")) == [ada.pk]
    assert _ids(api.get("/api/v1/contacts?filter=lifecycle_stage:eq:customer")) == [ada.pk]
    bad = api.get("/api/v1/contacts?filter=owner_id:eq:abc")
    assert (bad.status_code, bad.json()["errors"][0]["loc"]) == (422, ["filter", "owner_id"])


def _list_queries(api: Any) -> list[str]:
    """Every query of a whole list request, once the token's first-use writes are done."""
    api.get("/api/v1/contacts?limit=1")
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/v1/contacts?limit=200").status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


def test_list_runs_a_fixed_number_of_queries(api: Any, owner: Any) -> None:
    create_contact(owner, {"first_name": "One", "emails": [{"email": "1@x.io"}], "tags": ["a"]})
    few = _list_queries(api)
    for n in range(10):
        create_contact(
            owner,
            {
                "first_name": f"N{n}",
                "emails": [{"email": f"{n}@y.io"}],
                "phones": [{"number": "+12015550123"}],
                "tags": ["a", "b"],
            },
        )
    many = _list_queries(api)
    # token, rate counter, custom fields, count, page, then emails, phones and tags in one
    assert len(few) == len(many) == 6
    related = many[5]
    assert [part.split()[0] for part in related.split(" FROM ")[1:]] == [
        '"contacts_contactemail"',
        '"contacts_contactphone"',
        '"contacts_contact_tags"',
    ]
    body = api.get("/api/v1/contacts?limit=200").json()
    listed = {c["first_name"]: c for c in body["items"]}
    assert listed["N3"]["emails"] == [{"email": "3@y.io", "is_primary": True}]
    assert listed["N3"]["phones"][0]["number"] == "+12015550123"
    assert sorted(t["name"] for t in listed["N3"]["tags"]) == ["a", "b"]


def test_restore_and_hard_delete(api: Any, workspace: Any, owner: Any) -> None:
    contact = create_contact(owner, {"first_name": "Ada"})
    url = f"/api/v1/contacts/{contact.pk}"
    assert api.delete(url).status_code == 204
    restored = api.post(f"{url}/restore")
    assert (restored.status_code, restored.json()["deleted_at"], restored["ETag"]) == (
        200,
        None,
        f'"{contact.pk}-3"',
    )
    _, manager = make_member(workspace, "manager")
    assert api_client_for(manager).delete(f"{url}?hard=true").status_code == 403
    assert Contact.objects.filter(pk=contact.pk).exists()
    assert api.delete(f"{url}?hard=true").status_code == 204
    assert not Contact.objects.filter(pk=contact.pk).exists()


def test_unknown_custom_key_is_a_field_error(api: Any) -> None:
    response = api.post("/api/v1/contacts", {"first_name": "Ada", "custom": {"nope": 1}})
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["custom", "nope"], "msg": "Unknown custom field.", "type": "unknown"}
    ]
    assert not Contact.objects.exists()


def test_null_lists_clear_and_absurd_ids_are_422_not_500(api: Any) -> None:
    created = api.post(
        "/api/v1/contacts", {"first_name": "Nil", "emails": None, "phones": None, "tags": None}
    )
    assert created.status_code == 201, created.content
    assert (created.json()["emails"], created.json()["phones"], created.json()["tags"]) == (
        [],
        [],
        [],
    )
    huge = api.get(f"/api/v1/contacts/{2**70}")
    assert huge.status_code == 422
    assert huge["Content-Type"] == "application/problem+json"
    bad_filter = api.get(f"/api/v1/contacts?filter=owner_id:eq:{2**70}")
    assert bad_filter.status_code == 422
    assert bad_filter.json()["errors"][0]["loc"] == ["filter", "owner_id"]
