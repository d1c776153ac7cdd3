"""The notifications API: your own list and count, marking read, your choices, problem+json."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.services import notify
from rapport.workspaces.services import add_member
from tests.conftest import api_client_for, owner_principal
from tests.notifications.factories import make_person, notify_one

pytestmark = pytest.mark.django_db

PATH = "/api/v1/notifications"


@pytest.fixture
def bob(workspace: Any) -> Any:
    return make_person(workspace, "Bob Rep")


def _read_state() -> list[tuple[int, bool]]:
    rows = Notification.objects.order_by("id").values_list("id", "read_at")
    return [(pk, read_at is not None) for pk, read_at in rows]


def _problem(response: Any, status: int) -> list[tuple[list[Any], str]]:
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    return [(e["loc"], e["type"]) for e in response.json().get("errors", [])]


def test_the_list_is_mine_newest_first_and_pages_by_cursor(workspace, owner, bob) -> None:
    user, principal = bob
    for title in ("first", "second", "third"):
        notify_one(owner, user, title, object_type="company", object_id=3)
    notify_one(owner, make_person(workspace, "Cy Rep")[0], "someone else's")
    api = api_client_for(principal)

    page = api.get(f"{PATH}?limit=2").json()
    assert [i["title"] for i in page["items"]] == ["third", "second"]
    assert (page["total"], page["total_is_capped"]) == (3, False)
    item = page["items"][0]
    assert (item["kind"], item["url"], item["object_type"], item["object_id"], item["read_at"]) == (
        "assigned",
        "/companies/3",
        "company",
        3,
        None,
    )
    rest = api.get(f"{PATH}?limit=2&cursor={page['next_cursor']}").json()
    assert [i["title"] for i in rest["items"]] == ["first"] and rest["next_cursor"] is None


def test_unread_list_count_and_marking_read(owner, bob) -> None:
    user, principal = bob
    for title in ("one", "two", "three"):
        notify_one(owner, user, title)
    one, two, three = Notification.objects.order_by("id")
    api = api_client_for(principal)
    assert api.get(f"{PATH}/unread-count").json() == {"count": 3, "count_is_capped": False}

    marked = api.post(f"{PATH}/mark-read", {"ids": [one.pk, two.pk]})
    assert (marked.status_code, marked.json()) == (200, {"marked": 2, "unread": 1})
    unread = api.get(f"{PATH}?unread=true").json()
    assert [i["id"] for i in unread["items"]] == [three.pk]
    assert api.post(f"{PATH}/mark-read", {"all": True}).json() == {"marked": 1, "unread": 0}
    assert api.get(f"{PATH}/unread-count").json()["count"] == 0


def test_another_users_and_another_workspaces_ids_are_404_and_nothing_changes(
    workspace, other_workspace, owner, bob
) -> None:
    user, principal = bob
    cy, _ = make_person(workspace, "Cy Rep")
    notify(owner, [user.pk, cy.pk], "workflow", "here")
    add_member(owner_principal(other_workspace), user, "sales_rep")
    notify(owner_principal(other_workspace), [user.pk], "workflow", "elsewhere")
    mine = Notification.objects.get(user=user, workspace=workspace)
    cys = Notification.objects.get(user=cy)
    elsewhere = Notification.objects.get(workspace=other_workspace)
    api = api_client_for(principal)
    before = _read_state()

    assert _problem(api.post(f"{PATH}/mark-read", {"ids": [mine.pk, cys.pk]}), 404) == []
    assert _problem(api.post(f"{PATH}/mark-read", {"ids": [elsewhere.pk]}), 404) == []
    assert _read_state() == before
    assert [i["id"] for i in api.get(PATH).json()["items"]] == [mine.pk]

    assert api.post(f"{PATH}/mark-read", {"all": True}).json()["marked"] == 1
    assert Notification.objects.get(pk=cys.pk).read_at is None
    assert Notification.objects.get(pk=elsewhere.pk).read_at is None


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({}, [(["ids"], "invalid")]),
        ({"ids": [1], "all": True}, [(["ids"], "invalid")]),
        ({"all": False}, [(["ids"], "invalid")]),
        ({"ids": []}, [(["ids"], "invalid")]),
        ({"ids": ["x"]}, [(["ids", 0], "int_parsing")]),
        ({"ids": [0]}, [(["ids", 0], "greater_than_equal")]),
        ({"all": "yes"}, [(["all"], "bool_type")]),
        ({"all": True, "everything": True}, [(["everything"], "extra_forbidden")]),
    ],
)
def test_bad_mark_read_input_is_a_problem_with_field_detail(bob, owner, body, errors) -> None:
    user, principal = bob
    notify_one(owner, user)
    assert _problem(api_client_for(principal).post(f"{PATH}/mark-read", body), 422) == errors
    assert Notification.objects.get().read_at is None


def test_a_read_only_token_reads_but_cannot_mark_read_or_choose(owner, bob) -> None:
    user, principal = bob
    notify_one(owner, user)
    api = api_client_for(principal, can_write=False)
    assert api.get(PATH).json()["total"] == 1
    assert _problem(api.post(f"{PATH}/mark-read", {"all": True}), 403) == []
    assert _problem(api.put(f"{PATH}/preferences", {"assigned": {"in_app": False}}), 403) == []
    assert Notification.objects.get().read_at is None
    assert not NotificationPreference.objects.exists()


def test_preferences_read_and_change_per_kind(bob) -> None:
    _, principal = bob
    api = api_client_for(principal)
    items = api.get(f"{PATH}/preferences").json()["items"]
    assert items[0] == {
        "kind": "assigned",
        "label": "A record was assigned to me",
        "in_app": True,
        "by_email": False,
    }
    assert [i["kind"] for i in items] == [
        "assigned",
        "mentioned",
        "task_due",
        "workflow_failed",
        "workflow",
        "quote",
    ]

    changed = api.put(f"{PATH}/preferences", {"assigned": {"by_email": True}, "workflow": {}})
    assert changed.status_code == 200
    chosen = {i["kind"]: (i["in_app"], i["by_email"]) for i in changed.json()["items"]}
    assert chosen["assigned"] == (True, True) and chosen["workflow"] == (True, False)
    again = api.get(f"{PATH}/preferences").json()["items"]
    assert (again[0]["in_app"], again[0]["by_email"]) == (True, True)


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"birthday": {"in_app": True}}, [(["birthday"], "invalid")]),
        ({"assigned": {"in_app": "yes"}}, [(["assigned", "in_app"], "bool_type")]),
        ({"assigned": {"sms": True}}, [(["assigned", "sms"], "extra_forbidden")]),
        ({"assigned": True}, [(["assigned"], "model_attributes_type")]),
    ],
)
def test_bad_preferences_are_a_problem_with_field_detail_and_change_nothing(
    bob, body, errors
) -> None:
    _, principal = bob
    api = api_client_for(principal)
    assert _problem(api.put(f"{PATH}/preferences", body), 422) == errors
    assert not NotificationPreference.objects.exists()


def test_the_list_runs_a_fixed_number_of_queries(owner, bob) -> None:
    user, principal = bob
    api = api_client_for(principal)
    notify_one(owner, user)

    def queries() -> int:
        api.get(f"{PATH}?limit=1")
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(f"{PATH}?limit=200").status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for n in range(10):
        notify_one(owner, user, f"n{n}")
    # token, rate counter, count, page
    assert few == queries() == 4
