"""Settings > Canned responses and Macros, and using them on a ticket's page."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.macros.models import CannedResponse, Macro
from rapport.tickets.models import Ticket, TicketMessage
from tests.conftest import make_member, make_workspace, owner_principal
from tests.macros.factories import make_canned, make_macro
from tests.page_clients import owner_client, page_queries, signed_in
from tests.tickets.factories import make_ticket

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any], int]:
    canned = list(CannedResponse.objects.order_by("pk").values())
    return canned, list(Macro.objects.order_by("pk").values()), AuditEntry.objects.count()


def _agent(workspace: Any) -> tuple[Any, Any]:
    user, principal = make_member(workspace, "support_agent")
    return signed_in(user), principal


# --- Settings > Canned responses ----------------------------------------------------------------


def test_list_shows_shared_and_own_personal_responses(workspace: Any, owner: Any) -> None:
    make_canned(owner, title="Shared <b>hello</b>")
    client, agent = _agent(workspace)
    make_canned(agent, title="My own", is_shared=False)
    make_canned(owner, title="Owner's private", is_shared=False)
    make_canned(owner_principal(make_workspace("Globex")), title="Elsewhere")
    few = page_queries(client, "/settings/canned-responses")
    html = client.get("/settings/canned-responses").content.decode()
    assert "Shared &lt;b&gt;hello&lt;/b&gt;" in html and "My own" in html
    assert "Owner&#x27;s private" not in html and "Elsewhere" not in html
    for n in range(5):
        make_canned(owner, title=f"More {n}")
    assert page_queries(client, "/settings/canned-responses") == few


def test_agent_creates_a_personal_response(workspace: Any) -> None:
    client, agent = _agent(workspace)
    form = client.get("/settings/canned-responses/new").content.decode()
    assert 'name="is_shared" disabled' in form
    response = client.post(
        "/settings/canned-responses/new",
        {"title": "Thanks", "body": "Thanks {{ requester.first_name }}!"},
    )
    assert response.status_code == 302
    saved = CannedResponse.objects.get()
    assert (saved.is_shared, saved.owner_id) == (False, agent.user_id)
    assert saved.body == "<p>Thanks {{ requester.first_name }}!</p>"


def test_response_errors_show_inline_and_keep_input(workspace: Any, owner: Any) -> None:
    before = _state()
    response = owner_client(workspace).post(
        "/settings/canned-responses/new", {"title": "Typed title", "body": "Hi {{ contact.name }}"}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="canned-body-error">Line 1: unknown merge field &#x27;contact&#x27;' in html
    assert 'value="Typed title"' in html and "Hi {{ contact.name }}</textarea>" in html
    assert _state() == before


def test_agent_may_read_but_not_change_a_shared_response(workspace: Any, owner: Any) -> None:
    shared = make_canned(owner)
    client, _ = _agent(workspace)
    page = client.get(f"/settings/canned-responses/{shared.pk}").content.decode()
    assert "Your role may read this response" in page and "Save response" not in page
    before = _state()
    url = f"/settings/canned-responses/{shared.pk}"
    assert client.post(url, {"title": "Mine", "body": "x", "is_shared": "on"}).status_code == 403
    assert client.post(f"{url}/delete").status_code == 403
    assert _state() == before


def test_response_of_another_workspace_is_404(workspace: Any) -> None:
    theirs = make_canned(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    assert client.get(f"/settings/canned-responses/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/canned-responses/{theirs.pk}/delete").status_code == 404
    assert CannedResponse.objects.get(pk=theirs.pk).deleted_at is None


def test_owner_edits_and_deletes_a_response(workspace: Any, owner: Any) -> None:
    shared = make_canned(owner)
    client = owner_client(workspace)
    url = f"/settings/canned-responses/{shared.pk}"
    client.post(
        url,
        {"version": shared.version, "title": "Hello", "body": "<p>Hello</p>", "is_shared": "on"},
    )
    assert CannedResponse.objects.get(pk=shared.pk).title == "Hello"
    client.post(f"{url}/delete")
    assert CannedResponse.objects.get(pk=shared.pk).deleted_at is not None
    assert client.get(url).status_code == 404


# --- Settings > Macros --------------------------------------------------------------------------


def test_macro_editor_creates_a_macro_from_the_form(workspace: Any, owner: Any) -> None:
    response_ = make_canned(owner)
    client = owner_client(workspace)
    response = client.post("/settings/macros/new", {
        "title": "Escalate", "description": "To tier 2", "status": "open", "priority": "urgent",
        "type": "", "team_id": "", "assignee_id": "me", "add_tags": "escalated, tier2",
        "remove_tags": "", "message_kind": "reply", "message_canned": str(response_.pk),
        "message_body": "",
    })  # fmt: skip
    assert response.status_code == 302
    macro = Macro.objects.get()
    assert macro.actions == {
        "status": "open", "priority": "urgent", "assignee_id": "me",
        "add_tags": ["escalated", "tier2"],
        "message": {"kind": "reply", "body": "", "canned_response_id": response_.pk},
    }  # fmt: skip
    page = client.get(f"/settings/macros/{macro.pk}").content.decode()
    assert '<option value="urgent" selected>' in page and 'value="escalated, tier2"' in page


def test_macro_errors_show_beside_the_action_and_keep_input(workspace: Any, owner: Any) -> None:
    before = _state()
    response = owner_client(workspace).post("/settings/macros/new", {
        "title": "Broken", "message_kind": "note", "message_body": "{{ nope }}", "add_tags": "kept",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422
    assert "unknown merge field &#x27;nope&#x27;" in html
    assert 'value="Broken"' in html and 'value="kept"' in html
    assert _state() == before


def test_agent_may_not_create_macros(workspace: Any) -> None:
    client, _ = _agent(workspace)
    assert client.get("/settings/macros").status_code == 200
    before = _state()
    assert client.get("/settings/macros/new").status_code == 403
    assert client.post("/settings/macros/new", {"title": "x", "status": "open"}).status_code == 403
    assert _state() == before


def test_macro_of_another_workspace_is_404(workspace: Any) -> None:
    theirs = make_macro(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    assert client.get(f"/settings/macros/{theirs.pk}").status_code == 404
    assert client.post(f"/settings/macros/{theirs.pk}/delete").status_code == 404
    assert Macro.objects.get(pk=theirs.pk).deleted_at is None


# --- On a ticket's page -------------------------------------------------------------------------


def test_insert_fills_the_response_for_the_composer(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    response = make_canned(owner)
    client = owner_client(workspace)
    page = client.get(f"/tickets/{ticket.number}").content.decode()
    assert f'<option value="{response.pk}">Greeting</option>' in page
    url = f"/tickets/{ticket.number}/canned?canned={response.pk}"
    answer = client.get(url, headers={"HX-Request": "true"}).content.decode()
    expected = f"<p>Hi Ada, about #{ticket.number}.</p>"
    assert answer.strip() == f'<template data-richtext-insert="rt-body">{expected}</template>'
    # Without script the page comes back with the response after what was typed.
    fallback = client.get(f"{url}&body=Typed+first&kind=note").content.decode()
    assert "Typed first\n&lt;p&gt;Hi Ada" in fallback and 'value="note" checked' in fallback


def test_insert_of_another_workspaces_response_fills_nothing(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    theirs = make_canned(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    answer = client.get(
        f"/tickets/{ticket.number}/canned?canned={theirs.pk}", headers={"HX-Request": "true"}
    )
    assert answer.status_code == 404


def test_apply_macro_from_the_ticket_page(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    macro = make_macro(
        owner,
        {
            "status": "pending",
            "add_tags": ["waiting"],
            "message": {"kind": "note", "body": "Waiting"},
        },
    )
    page = owner_client(workspace).post(
        f"/tickets/{ticket.number}/macro", {"macro": macro.pk}, follow=True
    )
    assert "Macro applied; the ticket is pending customer." in page.content.decode()
    saved = Ticket.objects.get(pk=ticket.pk)
    assert saved.status == "pending" and list(saved.tags.values_list("name", flat=True)) == [
        "waiting"
    ]
    assert TicketMessage.objects.filter(ticket=ticket, kind="note").count() == 1


def test_apply_macro_by_a_role_that_may_not_edit_is_403(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    macro = make_macro(owner)
    user, _ = make_member(workspace, "sales_rep")
    before = list(Ticket.objects.values())
    response = signed_in(user).post(f"/tickets/{ticket.number}/macro", {"macro": macro.pk})
    assert response.status_code == 403
    assert list(Ticket.objects.values()) == before
