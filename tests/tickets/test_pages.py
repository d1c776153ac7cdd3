"""The ticket queues (/tickets), bulk actions, the new-ticket form and the Tickets panel of
contact and company pages."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.tickets.models import Ticket, TicketMessage
from rapport.tickets.services import add_note, add_reply
from rapport.workspaces.services import create_role
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in
from tests.tickets.factories import make_requester, make_ticket

pytestmark = pytest.mark.django_db


def _tickets() -> list[dict[str, Any]]:
    return list(Ticket.objects.order_by("pk").values())


def _client_of(workspace: Any, role: str) -> tuple[Any, Any]:
    user, principal = make_member(workspace, role)
    return signed_in(user), principal


def _no_tickets_role(workspace: Any, owner: Any) -> str:
    return create_role(
        owner, "Sales desk", {"contact": {"view": "all"}, "company": {"view": "all"}}
    ).key


# --- Queues -------------------------------------------------------------------------------------


def test_queue_shows_requester_company_and_last_message_in_fixed_queries(
    workspace: Any, owner: Any
) -> None:
    ticket = make_ticket(owner, subject="Printer <b>on fire</b>", assignee_id=owner.user_id)
    add_note(owner, ticket.pk, "Checked the <i>toner</i> first")
    make_ticket(owner_principal(make_workspace("Globex")), subject="Somewhere else")
    client = owner_client(workspace)
    html = client.get("/tickets").content.decode()
    assert "Printer &lt;b&gt;on fire&lt;/b&gt;" in html and "<b>on fire" not in html
    assert "Ada Byron" in html and "Initech" in html
    assert 'class="badge badge-note">Internal</span> Checked the toner first' in html
    assert "Somewhere else" not in html
    few = page_queries(client, "/tickets?queue=all")
    requester = make_requester(owner, email="bob@example.com", first_name="Bob")
    for n in range(8):
        make_ticket(owner, requester, subject=f"Ticket {n}")
    html = client.get("/tickets?queue=all").content.decode()
    assert html.count('name="ids"') == 9
    assert page_queries(client, "/tickets?queue=all") == few


def test_queues_split_my_open_unassigned_and_solved(workspace: Any, owner: Any) -> None:
    from rapport.workspaces.services import create_team, set_team_members

    team = create_team(owner, "Support")
    set_team_members(owner, team.pk, [owner.user_id])
    make_ticket(owner, subject="Mine", assignee_id=owner.user_id)
    make_ticket(owner, subject="Nobody's", team_id=team.pk)
    make_ticket(owner, subject="Done", status="solved")
    client = owner_client(workspace)

    def subjects(queue: str) -> list[str]:
        html = client.get(f"/tickets?queue={queue}").content.decode()
        return [s for s in ("Mine", "Nobody&#x27;s", "Done") if f">{s}</a>" in html]

    assert subjects("my_open") == ["Mine"]
    assert subjects("unassigned") == ["Nobody&#x27;s"]
    assert subjects("solved") == ["Done"]
    assert subjects("all") == ["Mine", "Nobody&#x27;s", "Done"]


def test_quick_filters_and_sort_narrow_the_queue(workspace: Any, owner: Any) -> None:
    make_ticket(owner, subject="Urgent one", priority="urgent")
    make_ticket(owner, subject="Calm one", priority="low")
    client = owner_client(workspace)
    query = "queue=all&f_field=priority&f_op=eq&f_value=urgent&sort=-created_at"
    html = client.get(f"/tickets?{query}").content.decode()
    assert ">Urgent one</a>" in html and ">Calm one</a>" not in html
    assert '<option value="urgent" selected>' in html


def test_queue_needs_the_right_to_view_tickets(workspace: Any, owner: Any) -> None:
    client, _ = _client_of(workspace, _no_tickets_role(workspace, owner))
    assert client.get("/tickets").status_code == 403
    assert client.get("/tickets/new").status_code == 403


def test_bulk_sets_status_on_the_selected_tickets(workspace: Any, owner: Any) -> None:
    first, second, third = (make_ticket(owner, subject=f"T{n}") for n in range(3))
    response = owner_client(workspace).post(
        "/tickets/bulk",
        {
            "ids": [first.pk, second.pk],
            "action": "status",
            "status": "on_hold",
            "list_query": "queue=all",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/tickets?queue=all"
    statuses = dict(Ticket.objects.values_list("pk", "status"))
    assert statuses == {first.pk: "on_hold", second.pk: "on_hold", third.pk: "new"}


def test_bulk_by_a_role_that_may_not_edit_changes_nothing(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    client, _ = _client_of(workspace, "sales_rep")  # may view tickets, not edit them
    before = _tickets()
    response = client.post(
        "/tickets/bulk",
        {"ids": [ticket.pk], "action": "priority", "priority": "urgent"},
        follow=True,
    )
    assert "Nothing was changed." in response.content.decode()
    assert _tickets() == before


def test_bulk_merge_needs_two_and_merges_the_newer_into_the_older(
    workspace: Any, owner: Any
) -> None:
    older, newer = make_ticket(owner, subject="Older"), make_ticket(owner, subject="Newer")
    client = owner_client(workspace)
    page = client.post("/tickets/bulk", {"ids": [older.pk], "action": "merge"}, follow=True)
    assert "Select exactly two tickets to merge." in page.content.decode()
    client.post("/tickets/bulk", {"ids": [newer.pk, older.pk], "action": "merge"})
    assert Ticket.objects.get(pk=newer.pk).merged_into_id == older.pk
    assert TicketMessage.objects.filter(ticket_id=older.pk).count() == 2


def test_bulk_ignores_ids_of_another_workspace(workspace: Any, owner: Any) -> None:
    theirs = make_ticket(owner_principal(make_workspace("Globex")))
    before = _tickets()
    page = owner_client(workspace).post(
        "/tickets/bulk", {"ids": [theirs.pk], "action": "status", "status": "solved"}, follow=True
    )
    assert "Nothing was changed." in page.content.decode()
    assert _tickets() == before


# --- New ticket ---------------------------------------------------------------------------------


def test_new_ticket_from_a_contact_page_creates_it_with_the_first_message(
    workspace: Any, owner: Any
) -> None:
    requester = make_requester(owner)
    client = owner_client(workspace)
    form = client.get(f"/tickets/new?contact={requester.pk}").content.decode()
    assert f"Ada Byron · ada@example.com · #{requester.pk}" in form
    response = client.post("/tickets/new", {
        "requester": f"Ada Byron · ada@example.com · #{requester.pk}", "subject": "Cannot log in",
        "body": "She called: <b>locked out</b>", "message_kind": "customer", "channel": "phone",
        "priority": "high", "type": "incident", "tags": "login, vip",
    })  # fmt: skip
    ticket = Ticket.objects.get(subject="Cannot log in")
    assert response["Location"] == f"/tickets/{ticket.number}"
    assert (ticket.requester_id, ticket.priority, ticket.channel) == (requester.pk, "high", "phone")
    message = ticket.messages.get()
    assert (message.kind, message.body_html) == ("customer", "She called: <b>locked out</b>")


def test_new_ticket_errors_show_inline_and_keep_what_was_typed(workspace: Any, owner: Any) -> None:
    client = owner_client(workspace)
    response = client.post("/tickets/new", {
        "requester": "somebody unknown", "subject": "Kept subject", "body": "Kept body",
        "priority": "urgent",
    })  # fmt: skip
    html = response.content.decode()
    assert response.status_code == 422
    assert "Pick the requester from the suggestions." in html
    assert 'value="Kept subject"' in html and ">Kept body</textarea>" in html
    assert '<option value="urgent" selected>' in html
    assert not Ticket.objects.exists()


def test_requester_options_search_visible_contacts(workspace: Any, owner: Any) -> None:
    requester = make_requester(owner)
    make_requester(owner_principal(make_workspace("Globex")), email="ada@globex.example.com")
    html = owner_client(workspace).get("/tickets/requester-options?requester=Ada").content.decode()
    assert html.count("<option") == 1 and f"#{requester.pk}" in html


# --- Contact and company panels -----------------------------------------------------------------


def test_contact_and_company_panels_list_open_tickets(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner, subject="Open one")
    make_ticket(owner, ticket.requester, subject="Closed one", status="solved")
    client = owner_client(workspace)
    for query in (f"contact={ticket.requester_id}", f"company={ticket.company_id}"):
        html = client.get(f"/tickets/related?{query}").content.decode()
        assert f"#{ticket.number} Open one" in html and "Closed one" not in html
    contact_page = client.get(f"/contacts/{ticket.requester_id}").content.decode()
    assert f'hx-get="/tickets/related?contact={ticket.requester_id}"' in contact_page


def test_panels_are_404_for_another_workspace_and_empty_without_the_right(
    workspace: Any, owner: Any
) -> None:
    theirs = make_requester(owner_principal(make_workspace("Globex")))
    client = owner_client(workspace)
    assert client.get(f"/tickets/related?contact={theirs.pk}").status_code == 404
    mine = make_ticket(owner)
    desk, _ = _client_of(workspace, _no_tickets_role(workspace, owner))
    response = desk.get(f"/tickets/related?contact={mine.requester_id}")
    assert response.status_code == 200 and response.content == b""


def test_reply_preview_reads_you_in_the_queue(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    add_reply(owner, ticket.pk, "On it")
    html = owner_client(workspace).get("/tickets?queue=all").content.decode()
    assert "You: On it" in html


def test_a_filtered_queue_saved_as_a_view_opens_again(workspace: Any, owner: Any) -> None:
    make_ticket(owner, subject="Urgent one", priority="urgent")
    make_ticket(owner, subject="Calm one", priority="low")
    client = owner_client(workspace)
    saved = client.post("/saved-views", {
        "object_type": "ticket", "name": "Fires", "columns": "number,subject",
        "filter": "priority:eq:urgent", "sort": "-created_at",
    })  # fmt: skip
    assert saved.status_code == 302 and saved["Location"].startswith("/tickets?view=")
    html = client.get(saved["Location"]).content.decode()
    assert ">Urgent one</a>" in html and ">Calm one</a>" not in html
    assert "Fires · 1 ticket" in html
