"""/api/v1/activities and the timeline endpoints."""

from __future__ import annotations

import pytest

from rapport.activities.models import Activity
from rapport.core.models import AuditEntry
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db


def _task(api, contact_id: int, subject: str, due: int) -> dict:  # type: ignore[no-untyped-def]
    body = {
        "kind": "task",
        "contact_id": contact_id,
        "subject": subject,
        "due_at": at(due).isoformat(),
    }
    response = api.post("/api/v1/activities", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_create_returns_the_activity_with_etag_and_location(api, owner, workspace) -> None:
    contact = make_contact(workspace)
    response = api.post(
        "/api/v1/activities",
        {
            "kind": "call",
            "contact_id": contact.pk,
            "direction": "inbound",
            "occurred_at": at(0).isoformat(),
        },
    )
    assert response.status_code == 201
    body = response.json()
    assert response["ETag"] == f'"{body["id"]}-1"'
    assert response["Location"] == f"/api/v1/activities/{body['id']}"
    assert (body["kind"], body["direction"], body["contact_id"], body["owner_id"]) == (
        "call",
        "inbound",
        contact.pk,
        owner.user_id,
    )
    assert body["occurred_at"] == "2026-03-02T09:00:00+00:00"
    assert api.get(f"/api/v1/activities/{body['id']}").json() == body


def test_create_with_invalid_fields_is_a_problem_and_writes_nothing(api, workspace) -> None:
    contact = make_contact(workspace)
    response = api.post(
        "/api/v1/activities", {"kind": "note", "contact_id": contact.pk, "body": ""}
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"loc": ["body"], "msg": "body is required.", "type": "missing"}
    ]
    assert Activity.objects.count() == 0


def test_patch_needs_if_match_and_refuses_a_stale_one(api, workspace) -> None:
    contact = make_contact(workspace)
    created = api.post(
        "/api/v1/activities", {"kind": "note", "contact_id": contact.pk, "body": "a"}
    ).json()
    path = f"/api/v1/activities/{created['id']}"
    assert api.patch(path, {"body": "b"}).status_code == 428
    ok = api.patch(path, {"body": "b"}, **{"If-Match": f'"{created["id"]}-1"'})
    assert (ok.status_code, ok.json()["body"], ok["ETag"]) == (200, "b", f'"{created["id"]}-2"')
    stale = api.patch(path, {"body": "c"}, **{"If-Match": f'"{created["id"]}-1"'})
    assert stale.status_code == 412
    assert Activity.objects.get(pk=created["id"]).body == "b"


def test_list_filters_by_kind_assignee_done_and_due_range(api, owner, workspace) -> None:
    contact = make_contact(workspace)
    early = _task(api, contact.pk, "early", 10)
    late = _task(api, contact.pk, "late", 100)
    api.post("/api/v1/activities", {"kind": "note", "contact_id": contact.pk, "body": "n"})
    api.post(f"/api/v1/activities/{early['id']}/complete")
    query = (
        f"/api/v1/activities?filter=kind:eq:task&filter=assignee_id:eq:{owner.user_id}"
        f"&filter=due_at:gte:{at(50).isoformat().replace('+', '%2B')}"
    )
    body = api.get(query).json()
    assert [i["id"] for i in body["items"]] == [late["id"]]
    assert (body["total"], body["total_is_capped"], body["next_cursor"]) == (1, False, None)
    done = api.get("/api/v1/activities?filter=is_done:eq:true&fields=subject").json()
    assert done["items"] == [{"id": early["id"], "subject": "early"}]
    bad = api.get("/api/v1/activities?filter=colour:eq:red")
    assert bad.status_code == 422


def test_complete_delete_and_restore(api, workspace) -> None:
    contact = make_contact(workspace)
    task = _task(api, contact.pk, "ship", 5)
    path = f"/api/v1/activities/{task['id']}"
    completed = api.post(f"{path}/complete").json()
    assert (completed["is_done"], completed["version"]) == (True, 2)
    assert completed["done_at"] is not None
    assert api.delete(path).status_code == 204
    assert api.get(path).status_code == 404
    restored = api.post(f"{path}/restore")
    assert (restored.status_code, restored.json()["version"]) == (200, 4)
    assert api.get(path).status_code == 200


def test_another_workspace_sees_404_and_cannot_touch_it(api, workspace, other_workspace) -> None:
    contact = make_contact(workspace)
    created = api.post(
        "/api/v1/activities", {"kind": "note", "contact_id": contact.pk, "body": "a"}
    ).json()
    foreign = api_client_for(owner_principal(other_workspace))
    path = f"/api/v1/activities/{created['id']}"
    assert foreign.get(path).status_code == 404
    assert foreign.delete(path).status_code == 404
    assert (
        foreign.patch(path, {"body": "x"}, **{"If-Match": f'"{created["id"]}-1"'}).status_code
        == 404
    )
    assert foreign.get("/api/v1/activities").json()["items"] == []
    assert foreign.get(f"/api/v1/contacts/{contact.pk}/timeline").status_code == 404
    stored = Activity.objects.get(pk=created["id"])
    assert (stored.body, stored.version, stored.deleted_at) == ("a", 1, None)


def test_read_only_token_user_gets_403_and_nothing_changes(workspace) -> None:
    contact = make_contact(workspace)
    _, reader = make_member(workspace, "read_only")
    response = api_client_for(reader).post(
        "/api/v1/activities", {"kind": "note", "contact_id": contact.pk, "body": "x"}
    )
    assert response.status_code == 403
    assert Activity.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="activity").count() == 0


def test_contact_and_company_timelines(api, workspace) -> None:
    company = make_company(workspace)
    contact = make_contact(workspace, company=company)
    note = api.post(
        "/api/v1/activities",
        {"kind": "note", "contact_id": contact.pk, "body": "hi", "occurred_at": at(0).isoformat()},
    ).json()
    api.patch(
        f"/api/v1/activities/{note['id']}", {"body": "hello"}, **{"If-Match": f'"{note["id"]}-1"'}
    )
    AuditEntry.objects.create(
        workspace=workspace,
        object_type="contact",
        object_id=contact.pk,
        action="update",
        created_at=at(5),
        actor_label="Ada",
        changes={"job_title": ["", "CTO"]},
    )
    contact_lines = api.get(f"/api/v1/contacts/{contact.pk}/timeline").json()
    assert [(i["type"], i["at"]) for i in contact_lines["items"]] == [
        ("change", "2026-03-02T09:05:00+00:00"),
        ("activity", "2026-03-02T09:00:00+00:00"),
    ]
    assert contact_lines["items"][0]["changes"] == {"job_title": ["", "CTO"]}
    assert contact_lines["items"][1]["activity"]["body"] == "hello"
    company_lines = api.get(f"/api/v1/companies/{company.pk}/timeline?kinds=note").json()
    assert [i["activity"]["id"] for i in company_lines["items"]] == [note["id"]]
    assert api.get(f"/api/v1/companies/{company.pk}/timeline?kinds=fax").status_code == 422
