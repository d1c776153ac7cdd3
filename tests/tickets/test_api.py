"""/api/v1/tickets: create (JSON and multipart with files), list with queues and filters, get,
update with If-Match, delete/restore, messages, attachments, bulk, merge, split, follow and the
settings; another workspace's ids are 404 and a role without the right changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from rapport.core.models import AuditEntry, OutboxEvent
from rapport.tickets.models import Ticket, TicketAttachment, TicketFollower, TicketMessage
from rapport.tickets.services import add_reply
from rapport.workspaces.services.teams import create_team, set_team_members
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.tickets.factories import make_requester, make_ticket, upload

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        list(Ticket.objects.order_by("pk").values()),
        list(TicketMessage.objects.order_by("pk").values()),
        list(TicketFollower.objects.order_by("pk").values()),
        TicketAttachment.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _multipart(api: Any, path: str, payload: str, files: list[Any]) -> Any:
    return api.client.post(path, {"payload": payload, "attachments": files}, headers=api.headers)


def test_create_get_update_and_etag(api, owner) -> None:
    requester = make_requester(owner)
    response = api.post("/api/v1/tickets", {
        "subject": "VPN down", "requester_id": requester.pk, "priority": "high",
        "tags": ["vpn"], "body": "<p>Since <b>9am</b></p>",
    })  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert response["Location"] == f"/api/v1/tickets/{body['id']}"
    assert {k: body[k] for k in ("number", "subject", "status", "priority", "channel")} == {
        "number": 1, "subject": "VPN down", "status": "new", "priority": "high", "channel": "api"
    }  # fmt: skip
    assert body["requester"] == {
        "id": requester.pk,
        "name": "Ada Byron",
        "email": "ada@example.com",
    }
    assert body["company_id"] == requester.company_id
    assert [t["name"] for t in body["tags"]] == ["vpn"]
    url = f"/api/v1/tickets/{body['id']}"
    got = api.get(url)
    assert got.json() == body and got["ETag"] == f'"{body["id"]}-1"'
    assert api.patch(url, {"status": "open"}).status_code == 428
    stale = api.patch(url, {"status": "open"}, **{"If-Match": f'"{body["id"]}-0"'})
    assert stale.status_code == 412
    changed = api.patch(url, {"status": "solved"}, **{"If-Match": got["ETag"]})
    assert changed.status_code == 200, changed.content
    assert changed.json()["status"] == "solved" and changed.json()["solved_at"] is not None
    refused = api.patch(url, {"number": 7}, **{"If-Match": changed["ETag"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["loc"] == ["number"]


def test_create_validation_errors_are_field_errors(api, owner) -> None:
    response = api.post("/api/v1/tickets", {"subject": "Hi", "requester_id": 99999, "body": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["requester_id"]
    missing = api.post("/api/v1/tickets", {"subject": "Hi"})
    assert missing.status_code == 422
    assert {tuple(e["loc"]) for e in missing.json()["errors"]} == {("requester_id",), ("body",)}
    assert Ticket.objects.count() == 0


def test_multipart_create_and_reply_with_attachments(api, owner, settings) -> None:
    requester = make_requester(owner)
    payload = json.dumps({"subject": "Logs", "requester_id": requester.pk, "body": "See attached"})
    response = _multipart(api, "/api/v1/tickets", payload, [upload("a.log", b"line 1")])
    assert response.status_code == 201, response.content
    ticket_id = response.json()["id"]
    messages = api.get(f"/api/v1/tickets/{ticket_id}/messages").json()["items"]
    [file] = messages[0]["attachments"]
    assert (file["filename"], file["size"], file["content_type"]) == ("a.log", 6, "text/plain")
    download = api.get(file["url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"line 1"
    assert download["Content-Disposition"] == 'attachment; filename="a.log"'
    assert download["X-Content-Type-Options"] == "nosniff"

    reply = _multipart(
        api, f"/api/v1/tickets/{ticket_id}/messages", '{"kind": "reply", "body": "Thanks"}',
        [upload("fix.html", b"<script>alert(1)</script>", "text/html")],
    )  # fmt: skip
    assert reply.status_code == 201, reply.content
    [html_file] = reply.json()["attachments"]
    served = api.get(html_file["url"])
    assert served["Content-Type"] == "application/octet-stream"


def test_attachment_over_the_limit_is_a_field_error(api, owner, settings) -> None:
    settings.TICKET_ATTACHMENT_MAX_BYTES = 10
    ticket = make_ticket(owner)
    before = _state()
    response = _multipart(
        api, f"/api/v1/tickets/{ticket.pk}/messages", '{"kind": "note", "body": "x"}',
        [upload("ok.txt", b"small"), upload("big.bin", b"x" * 11)],
    )  # fmt: skip
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["loc"] == ["attachments", 1]
    assert error["msg"] == "big.bin is 11\xa0bytes; attachments can be at most 10\xa0bytes."
    assert _state() == before


def test_messages_reply_note_and_customer(api, owner) -> None:
    ticket = make_ticket(owner)
    url = f"/api/v1/tickets/{ticket.pk}/messages"
    reply = api.post(url, {"kind": "reply", "body": "Hello", "status": "on_hold"})
    assert reply.status_code == 201, reply.content
    assert reply.json()["kind"] == "reply" and reply.json()["sent_to"] == "ada@example.com"
    note = api.post(url, {"kind": "note", "body": "Internal"})
    customer = api.post(url, {"kind": "customer", "body": "Thanks"})
    assert (note.status_code, customer.status_code) == (201, 201)
    assert Ticket.objects.get(pk=ticket.pk).status == "on_hold"
    everything = api.get(url).json()["items"]
    assert [m["kind"] for m in everything] == ["customer", "reply", "note", "customer"]
    public = api.get(f"{url}?notes=false").json()["items"]
    assert [m["kind"] for m in public] == ["customer", "reply", "customer"]
    page = api.get(f"{url}?limit=2").json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    rest = api.get(f"{url}?limit=2&cursor={page['next_cursor']}").json()["items"]
    assert [m["id"] for m in rest] == [m["id"] for m in everything[2:]]
    bad = api.post(url, {"kind": "email", "body": "x"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["kind"]


def test_list_views_and_filters(api, workspace, owner) -> None:
    agent_user, agent = make_member(workspace, "support_agent")
    team = create_team(owner, "Tier 1")
    set_team_members(owner, team.pk, [agent_user.pk])
    mine = make_ticket(owner, assignee_id=agent_user.pk, team_id=team.pk, priority="urgent")
    unassigned = make_ticket(owner, team_id=team.pk)
    elsewhere = make_ticket(owner)
    waiting = make_ticket(owner, requester=make_requester(owner, email="bo@example.com"))
    add_reply(owner, waiting.pk, "Over to you")
    agent_api = api_client_for(agent)

    def ids(client: Any, query: str) -> list[int]:
        response = client.get(f"/api/v1/tickets?{query}")
        assert response.status_code == 200, response.content
        return [t["id"] for t in response.json()["items"]]

    assert ids(agent_api, "view=my_open") == [mine.pk]
    assert ids(agent_api, "view=unassigned") == [unassigned.pk]
    assert ids(agent_api, "view=pending") == [waiting.pk]
    assert set(ids(agent_api, "view=all_open")) == {
        mine.pk,
        unassigned.pk,
        elsewhere.pk,
        waiting.pk,
    }
    assert ids(api, "priority=urgent") == [mine.pk]
    assert ids(api, f"team_id={team.pk}&sort=number") == [mine.pk, unassigned.pk]
    assert ids(api, f"requester_id={waiting.requester_id}") == [waiting.pk]
    assert ids(api, "filter=status:eq:pending") == [waiting.pk]
    assert api.get("/api/v1/tickets?view=nope").status_code == 422
    listed = api.get("/api/v1/tickets?limit=1").json()
    assert (listed["total"], len(listed["items"])) == (4, 1)


def test_list_needs_no_query_per_ticket(api, owner, django_assert_max_num_queries) -> None:
    for _ in range(5):
        make_ticket(owner, tags=["vip"])
    with django_assert_max_num_queries(12):
        response = api.get("/api/v1/tickets")
    assert len(response.json()["items"]) == 5


def test_bulk_merge_split_follow(api, workspace, owner) -> None:
    first, second = make_ticket(owner), make_ticket(owner)
    bulk = api.post("/api/v1/tickets/bulk", {"ids": [first.pk, second.pk], "priority": "low",
                                              "add_tags": ["batch"]})  # fmt: skip
    assert bulk.status_code == 200 and bulk.json() == {"updated": 2}
    assert set(Ticket.objects.values_list("priority", flat=True)) == {"low"}

    merged = api.post(f"/api/v1/tickets/{first.pk}/merge", {"merged_id": second.pk})
    assert merged.status_code == 200, merged.content
    assert Ticket.objects.get(pk=second.pk).merged_into_id == first.pk

    extra = api.post(f"/api/v1/tickets/{first.pk}/messages", {"kind": "customer", "body": "Q2"})
    split = api.post(f"/api/v1/tickets/{first.pk}/split", {"message_id": extra.json()["id"]})
    assert split.status_code == 201, split.content
    assert split.json()["split_from_id"] == first.pk
    wrong = api.post(f"/api/v1/tickets/{second.pk}/split", {"message_id": extra.json()["id"]})
    assert wrong.status_code == 404

    user, _ = make_member(workspace, "support_agent")
    followed = api.post(f"/api/v1/tickets/{first.pk}/follow", {"user_id": user.pk})
    assert followed.json() == {"user_ids": [user.pk]}
    mine = api.post(f"/api/v1/tickets/{first.pk}/follow", {})
    assert mine.json() == {"user_ids": [user.pk, owner.user_id]}
    gone = api.post(f"/api/v1/tickets/{first.pk}/unfollow", {})
    assert gone.json() == {"user_ids": [user.pk]}


def test_delete_and_restore(api, owner) -> None:
    ticket = make_ticket(owner)
    assert api.delete(f"/api/v1/tickets/{ticket.pk}").status_code == 204
    assert api.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    in_bin = api.get("/api/v1/restore-bin?object_type=ticket").json()["items"]
    assert [(i["id"], i["title"]) for i in in_bin] == [(ticket.pk, "#1 Printer on fire")]
    restored = api.post(f"/api/v1/tickets/{ticket.pk}/restore")
    assert restored.status_code == 200 and restored.json()["deleted_at"] is None
    history = api.get(f"/api/v1/audit?object_type=ticket&object_id={ticket.pk}").json()["items"]
    assert [e["action"] for e in history] == ["restore", "delete", "create"]


def test_settings(api, workspace, owner) -> None:
    assert api.get("/api/v1/ticket-settings").json() == {
        "auto_close_days": 4, "from_email": "", "from_name": "", "version": 1
    }  # fmt: skip
    from rapport.tickets.models import TicketSettings

    assert not TicketSettings.objects.exists()  # reading the defaults writes nothing
    changed = api.patch("/api/v1/ticket-settings", {"auto_close_days": 7})
    assert changed.status_code == 200 and changed.json()["auto_close_days"] == 7
    _, agent = make_member(workspace, "support_agent")
    agent_api = api_client_for(agent)
    assert agent_api.get("/api/v1/ticket-settings").status_code == 200
    assert agent_api.patch("/api/v1/ticket-settings", {"auto_close_days": 1}).status_code == 403
    assert api.get("/api/v1/ticket-settings").json()["auto_close_days"] == 7


def test_another_workspace_sees_nothing(owner) -> None:
    ticket = make_ticket(owner)
    reply = add_reply(owner, ticket.pk, "Hello", attachments=[upload()])
    attachment = reply.attachments.get()
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    base = f"/api/v1/tickets/{ticket.pk}"
    before = _state()
    for response in (
        stranger.get(base),
        stranger.patch(base, {"priority": "low"}, **{"If-Match": f'"{ticket.pk}-2"'}),
        stranger.delete(base),
        stranger.post(f"{base}/restore"),
        stranger.get(f"{base}/messages"),
        stranger.post(f"{base}/messages", {"kind": "note", "body": "x"}),
        stranger.get(f"{base}/attachments/{attachment.pk}"),
        stranger.post(f"{base}/merge", {"merged_id": ticket.pk}),
        stranger.post(f"{base}/split", {"message_id": reply.pk}),
        stranger.post(f"{base}/follow", {}),
        stranger.get(f"{base}/followers"),
        stranger.post("/api/v1/tickets/bulk", {"ids": [ticket.pk], "priority": "low"}),
    ):
        assert response.status_code == 404, response.content
    assert stranger.get("/api/v1/tickets").json()["items"] == []
    assert _state() == before


def test_a_viewer_changes_nothing(workspace, owner) -> None:
    ticket = make_ticket(owner)
    requester = make_requester(owner, email="bo@example.com")
    reply = add_reply(owner, ticket.pk, "Hello", attachments=[upload()])
    _, rep = make_member(workspace, "sales_rep")
    rep_api = api_client_for(rep)
    target = make_ticket(owner)
    base = f"/api/v1/tickets/{ticket.pk}"
    assert rep_api.get(base).status_code == 200  # reps see their customers' tickets
    assert rep_api.get(f"{base}/attachments/{reply.attachments.get().pk}").status_code == 200
    before = _state()
    for response in (
        rep_api.post(
            "/api/v1/tickets", {"subject": "x", "requester_id": requester.pk, "body": "x"}
        ),
        rep_api.patch(base, {"priority": "low"}, **{"If-Match": f'"{ticket.pk}-3"'}),
        rep_api.delete(base),
        rep_api.post(f"{base}/messages", {"kind": "reply", "body": "x"}),
        rep_api.post(f"{base}/merge", {"merged_id": target.pk}),
        rep_api.post("/api/v1/tickets/bulk", {"ids": [ticket.pk], "priority": "low"}),
    ):
        assert response.status_code == 403, response.content
    assert _state() == before


def test_a_role_without_tickets_sees_none(workspace, owner) -> None:
    from rapport.workspaces.models import Membership
    from rapport.workspaces.queries import principal_for
    from rapport.workspaces.services import create_role

    ticket = make_ticket(owner)
    role = create_role(owner, "No tickets", {"contact": {"view": "all"}})
    user, _ = make_member(workspace, "sales_rep")
    Membership.objects.filter(user=user).update(role=role)
    client = api_client_for(principal_for(user, workspace.pk))
    assert client.get("/api/v1/tickets").json()["items"] == []
    assert client.get(f"/api/v1/tickets/{ticket.pk}").status_code == 404
    assert client.get("/api/v1/ticket-settings").status_code == 403


def test_read_only_token_cannot_write(owner) -> None:
    ticket = make_ticket(owner)
    reader = api_client_for(owner, can_write=False)
    before = _state()
    response = reader.post(f"/api/v1/tickets/{ticket.pk}/messages", {"kind": "note", "body": "x"})
    assert response.status_code == 403
    assert _state() == before


def test_session_download_needs_sign_in(owner) -> None:
    ticket = make_ticket(owner)
    reply = add_reply(owner, ticket.pk, "Hello", attachments=[upload()])
    url = f"/api/v1/tickets/{ticket.pk}/attachments/{reply.attachments.get().pk}"
    assert Client().get(url).status_code == 401


def test_a_multipart_body_without_a_boundary_is_a_422_and_creates_nothing(api, owner) -> None:
    from rapport.tickets.models import Ticket

    response = api.client.post(
        "/api/v1/tickets", data=b"payload=x", content_type="multipart/form-data",
        headers=api.headers,
    )  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["body"]
    assert not Ticket.objects.exists()
