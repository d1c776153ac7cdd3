"""/api/v1/canned-responses and /api/v1/macros."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.macros.models import CannedResponse, Macro
from rapport.tickets.models import Ticket
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.macros.factories import GREETING, make_canned, make_macro
from tests.tickets.factories import make_ticket

pytestmark = pytest.mark.django_db


def test_canned_response_crud(api: Any) -> None:
    created = api.post("/api/v1/canned-responses", {"title": "Greeting", "body": GREETING})
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["is_shared"] is True and body["body"] == GREETING
    url = f"/api/v1/canned-responses/{body['id']}"
    assert created["Location"] == url
    assert api.get(url).json()["title"] == "Greeting"
    changed = api.patch(url, {"title": "Hello"}, **{"If-Match": created["ETag"]})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    listed = api.get("/api/v1/canned-responses").json()
    assert [item["title"] for item in listed["items"]] == ["Hello"]
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404


def test_canned_response_rejects_unknown_fields_and_bad_merge_fields(api: Any) -> None:
    extra = api.post("/api/v1/canned-responses", {"title": "x", "body": "y", "owner_id": 1})
    assert extra.status_code == 422
    bad = api.post("/api/v1/canned-responses", {"title": "x", "body": "{{ contact.x }}"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["body"]
    assert not CannedResponse.objects.exists()


def test_render_for_a_ticket(api: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    response = make_canned(owner)
    rendered = api.post(f"/api/v1/canned-responses/{response.pk}/render", {"ticket_id": ticket.pk})
    assert rendered.json() == {"body": f"<p>Hi Ada, about #{ticket.number}.</p>"}


def test_another_workspace_is_404_and_a_read_only_token_may_not_write(
    api: Any, workspace: Any, owner: Any
) -> None:
    theirs = owner_principal(make_workspace("Globex"))
    response, macro, ticket = make_canned(theirs), make_macro(theirs), make_ticket(theirs)
    assert api.get(f"/api/v1/canned-responses/{response.pk}").status_code == 404
    assert api.get(f"/api/v1/macros/{macro.pk}").status_code == 404
    applied = api.post(f"/api/v1/macros/{macro.pk}/apply", {"ticket_id": ticket.pk})
    assert applied.status_code == 404
    mine = make_macro(owner)
    applied = api.post(f"/api/v1/macros/{mine.pk}/apply", {"ticket_id": ticket.pk})
    assert applied.status_code == 404
    assert Ticket.objects.get(pk=ticket.pk).status == "new"
    reader = api_client_for(owner, can_write=False)
    assert (
        reader.post("/api/v1/macros", {"title": "x", "actions": {"status": "open"}}).status_code
        == 403
    )
    assert Macro.objects.count() == 2


def test_macro_crud_and_apply(api: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    message = {"kind": "reply", "body": "Done, {{ requester.first_name }}."}
    created = api.post(
        "/api/v1/macros", {"title": "Solve", "actions": {"status": "solved", "message": message}}
    )
    assert created.status_code == 201, created.content
    macro = created.json()
    assert macro["actions"]["message"]["body"] == "<p>Done, {{ requester.first_name }}.</p>"
    assert "priority" not in macro["actions"]
    applied = api.post(f"/api/v1/macros/{macro['id']}/apply", {"ticket_id": ticket.pk})
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "solved" and applied.json()["number"] == ticket.number
    assert ticket.messages.filter(kind="reply").get().body_html == "<p>Done, Ada.</p>"
    url = f"/api/v1/macros/{macro['id']}"
    patched = api.patch(url, {"actions": {"priority": "low"}}, **{"If-Match": created["ETag"]})
    assert patched.json()["actions"] == {"priority": "low"}
    assert api.delete(url).status_code == 204


def test_macro_actions_are_validated(api: Any) -> None:
    bad = api.post("/api/v1/macros", {"title": "x", "actions": {"status": "gone"}})
    assert bad.status_code == 422
    nothing = api.post("/api/v1/macros", {"title": "x", "actions": {}})
    assert nothing.status_code == 422
    assert nothing.json()["errors"][0]["loc"] == ["actions"]
    assert not Macro.objects.exists()


def test_agent_may_apply_but_not_create_macros(workspace: Any, owner: Any) -> None:
    _, agent = make_member(workspace, "support_agent")
    client = api_client_for(agent)
    macro, ticket = make_macro(owner), make_ticket(owner)
    assert (
        client.post("/api/v1/macros", {"title": "x", "actions": {"status": "open"}}).status_code
        == 403
    )
    applied = client.post(f"/api/v1/macros/{macro.pk}/apply", {"ticket_id": ticket.pk})
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "pending"
