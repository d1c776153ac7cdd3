"""A ticket's page: the conversation (internal notes marked), the composer (reply or note, the
status on send, attachments), the sidebar's fields, attachments, merge, split and History."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from rapport.deals.services import create_deal
from rapport.tickets.models import Ticket, TicketAttachment, TicketMessage
from rapport.tickets.services import add_customer_message, add_note, add_reply
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in
from tests.tickets.factories import make_ticket, upload

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any]]:
    messages = list(TicketMessage.objects.order_by("pk").values("pk", "kind", "body_html"))
    return list(Ticket.objects.order_by("pk").values()), messages


def _rep(workspace: Any) -> Any:
    user, _ = make_member(workspace, "sales_rep")  # views tickets, may not edit them
    return signed_in(user)


def test_page_shows_conversation_with_internal_notes_marked(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner, body="My printer is <b>on fire</b>")
    add_reply(owner, ticket.pk, "Please unplug it.")
    add_note(owner, ticket.pk, "Third fire this month")
    html = owner_client(workspace).get(f"/tickets/{ticket.number}").content.decode()
    customer = html.index('class="message is-customer"')
    reply = html.index('class="message is-reply"')
    note = html.index('class="message is-note"')
    assert customer < reply < note
    assert 'class="badge badge-note">Internal</span>' in html[note:]
    assert "Internal" not in html[reply:note]
    assert "My printer is <b>on fire</b>" in html


def test_page_shows_the_requesters_open_deals_and_other_tickets(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    other = make_ticket(owner, ticket.requester, subject="Another issue")
    buyer = {"contact_id": ticket.requester_id, "role": "decision_maker"}
    create_deal(
        owner, {"name": "Initech renewal", "amount": "1200", "currency": "EUR", "contacts": [buyer]}
    )
    html = owner_client(workspace).get(f"/tickets/{ticket.number}").content.decode()
    assert "Initech renewal" in html
    assert f"#{other.number} Another issue" in html
    assert f'href="/companies/{ticket.company_id}"' in html


def test_page_of_another_workspace_is_404(workspace: Any, owner: Any) -> None:
    make_ticket(owner)
    theirs = owner_principal(make_workspace("Globex"))
    make_ticket(theirs)
    second = make_ticket(theirs)
    client = owner_client(workspace)
    assert client.get(f"/tickets/{second.number}").status_code == 404
    assert client.post(f"/tickets/{second.number}/messages", {"body": "Hi"}).status_code == 404
    assert not TicketMessage.objects.filter(ticket=second, kind="reply").exists()


def test_page_query_count_does_not_grow_with_messages(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    client = owner_client(workspace)
    few = page_queries(client, f"/tickets/{ticket.number}")
    for n in range(5):
        add_note(owner, ticket.pk, f"Note {n}", attachments=[upload(f"n{n}.txt")])
    assert page_queries(client, f"/tickets/{ticket.number}") == few


def test_send_and_solve_adds_the_reply_and_sets_the_status(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    response = owner_client(workspace).post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "reply", "body": "<p>Fixed it.</p>", "status": "solved"},
    )
    assert response.status_code == 302
    reply = TicketMessage.objects.get(ticket=ticket, kind="reply")
    assert reply.body_html == "<p>Fixed it.</p>" and reply.author_user_id == owner.user_id
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"


def test_internal_note_is_not_a_reply_and_keeps_the_status(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner, status="open")
    owner_client(workspace).post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "note", "body": "Between us", "status": ""},
        headers={},
    )
    assert list(TicketMessage.objects.filter(ticket=ticket).values_list("kind", flat=True)) == [
        "customer",
        "note",
    ]
    assert Ticket.objects.get(pk=ticket.pk).status == "open"


def test_empty_reply_comes_back_with_the_error_and_the_choice_kept(
    workspace: Any, owner: Any
) -> None:
    ticket = make_ticket(owner)
    before = _state()
    response = owner_client(workspace).post(
        f"/tickets/{ticket.number}/messages", {"kind": "note", "body": "   "}
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="rt-body-error"' in html
    assert 'value="note" checked' in html
    assert _state() == before


@override_settings(TICKET_ATTACHMENT_MAX_BYTES=10)
def test_too_large_attachment_is_refused_inline_and_the_text_kept(
    workspace: Any, owner: Any
) -> None:
    ticket = make_ticket(owner)
    before = _state()
    response = owner_client(workspace).post(
        f"/tickets/{ticket.number}/messages",
        {"kind": "reply", "body": "Here is the log", "attachments": upload("big.log", b"x" * 50)},
    )
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="composer-files-error"' in html and "big.log is 50" in html
    assert ">Here is the log</textarea>" in html
    assert _state() == before and not TicketAttachment.objects.exists()


def test_a_role_that_may_not_edit_cannot_reply(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    client = _rep(workspace)
    page = client.get(f"/tickets/{ticket.number}").content.decode()
    assert 'action="/tickets/1/messages"' not in page
    before = _state()
    response = client.post(f"/tickets/{ticket.number}/messages", {"kind": "reply", "body": "Hi"})
    assert response.status_code == 403
    assert client.post(f"/tickets/{ticket.number}/fields", {"status": "solved"}).status_code == 403
    assert _state() == before


def test_sidebar_saves_fields_and_tags(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    response = owner_client(workspace).post(f"/tickets/{ticket.number}/fields", {
        "version": ticket.version, "status": "open", "priority": "urgent", "type": "problem",
        "team_id": "", "assignee_id": str(owner.user_id), "tags": "billing, vip",
    })  # fmt: skip
    assert response.status_code == 302
    saved = Ticket.objects.get(pk=ticket.pk)
    assert (saved.status, saved.priority, saved.type) == ("open", "urgent", "problem")
    assert saved.assignee_id == owner.user_id
    assert sorted(saved.tags.values_list("name", flat=True)) == ["billing", "vip"]


def test_sidebar_error_shows_beside_the_field_and_keeps_input(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner, status="open")
    before = _state()
    response = owner_client(workspace).post(f"/tickets/{ticket.number}/fields", {
        "version": ticket.version, "status": "new", "priority": "high", "type": "",
        "team_id": "", "assignee_id": "", "tags": "kept-tag",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422
    assert 'id="side-status-error">A ticket cannot go back to new.' in html
    assert 'value="kept-tag"' in html
    assert _state() == before


def test_attachment_download_only_for_who_may_see_the_ticket(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    add_note(owner, ticket.pk, "Log attached", attachments=[upload("log.txt", b"line 1")])
    attachment = TicketAttachment.objects.get()
    url = f"/tickets/{ticket.number}/attachments/{attachment.pk}"
    response = owner_client(workspace).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"line 1"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    other = owner_client(make_workspace("Globex"))
    assert other.get(url).status_code == 404


def test_merge_into_another_ticket_by_number(workspace: Any, owner: Any) -> None:
    survivor, merged = make_ticket(owner, subject="Keep"), make_ticket(owner, subject="Fold")
    client = owner_client(workspace)
    response = client.post(f"/tickets/{merged.number}/merge", {"into": f"#{survivor.number}"})
    assert response["Location"] == f"/tickets/{survivor.number}"
    assert Ticket.objects.get(pk=merged.pk).merged_into_id == survivor.pk
    assert client.get(f"/tickets/{merged.number}")["Location"] == f"/tickets/{survivor.number}"


def test_merge_into_a_number_nobody_has_changes_nothing(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    before = _state()
    page = owner_client(workspace).post(
        f"/tickets/{ticket.number}/merge", {"into": "999"}, follow=True
    )
    assert "Not merged: there is no ticket #999 you may see." in page.content.decode()
    assert _state() == before


def test_split_a_message_into_a_new_ticket(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    add_reply(owner, ticket.pk, "Looking")
    later = add_customer_message(owner, ticket.pk, "Also, the scanner jams.")
    client = owner_client(workspace)
    page = client.get(f"/tickets/{ticket.number}").content.decode()
    assert page.count("/split") == 1  # the first message is the ticket itself
    response = client.post(
        f"/tickets/{ticket.number}/messages/{later.pk}/split", {"subject": "Second problem"}
    )
    new = Ticket.objects.get(subject="Second problem")
    assert response["Location"] == f"/tickets/{new.number}"
    assert new.split_from_id == ticket.pk


def test_history_lists_the_tickets_changes(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    client = owner_client(workspace)
    client.post(f"/tickets/{ticket.number}/fields", {
        "version": ticket.version, "status": "open", "priority": "low", "type": "",
        "team_id": "", "assignee_id": "", "tags": "",
    })  # fmt: skip
    html = client.get(f"/tickets/{ticket.number}/history").content.decode()
    assert "<strong>Priority</strong>: normal → low" in html


def test_follow_yourself_and_add_and_remove_another_member(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    colleague, _ = make_member(workspace, "support_agent", full_name="Cara Colleague")
    client = owner_client(workspace)
    url = f"/tickets/{ticket.number}/follow"
    client.post(url)
    client.post(url, {"user_id": colleague.pk})
    assert set(ticket.followers.values_list("user_id", flat=True)) == {owner.user_id, colleague.pk}
    page = client.get(f"/tickets/{ticket.number}").content.decode()
    assert "Unfollow" in page and "Remove Cara Colleague from the followers" in page
    client.post(url, {"user_id": colleague.pk, "action": "unfollow"})
    assert list(ticket.followers.values_list("user_id", flat=True)) == [owner.user_id]


def test_a_viewer_may_follow_but_not_add_others(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    user, rep = make_member(workspace, "sales_rep")
    client = signed_in(user)
    client.post(f"/tickets/{ticket.number}/follow")
    assert list(ticket.followers.values_list("user_id", flat=True)) == [rep.user_id]
    response = client.post(f"/tickets/{ticket.number}/follow", {"user_id": owner.user_id})
    assert response.status_code == 403
    assert list(ticket.followers.values_list("user_id", flat=True)) == [rep.user_id]
