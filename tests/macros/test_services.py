"""Canned responses and macros: who may write them, what they render, and applying a macro."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry
from rapport.macros.models import CannedResponse, Macro
from rapport.macros.queries import canned_choices, get_canned_response
from rapport.macros.services import (
    apply_macro,
    create_macro,
    delete_canned_response,
    render_canned_response,
    update_canned_response,
    update_macro,
)
from rapport.tickets.models import Ticket, TicketMessage
from rapport.workspaces.services import create_team, set_team_members
from tests.conftest import make_member, make_workspace, owner_principal
from tests.macros.factories import make_canned, make_macro
from tests.tickets.factories import make_requester, make_ticket

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any], int]:
    canned = list(CannedResponse.objects.order_by("pk").values())
    return canned, list(Macro.objects.order_by("pk").values()), AuditEntry.objects.count()


def test_render_fills_merge_fields_and_escapes_values(workspace: Any, owner: Any) -> None:
    requester = make_requester(owner, first_name="<b>Ada</b>")
    ticket = make_ticket(owner, requester)
    response = make_canned(
        owner,
        body="<p>Hi {{ requester.first_name }}, #{{ ticket.number }} from {{ agent.name }} "
        "at {{ company.name }}</p>",
    )
    html = render_canned_response(owner, response.pk, ticket.pk)
    assert html.startswith("<p>Hi &lt;b&gt;Ada&lt;/b&gt;, #" + str(ticket.number) + " from ")
    assert html.endswith(" at Initech</p>")


def test_render_leaves_out_what_the_agent_may_not_view(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner, make_requester(owner))
    response = make_canned(owner, body='<p>Hi {{ requester.first_name or "there" }}</p>')
    _, agent = make_member(workspace, "support_agent")
    assert render_canned_response(agent, response.pk, ticket.pk) == "<p>Hi Ada</p>"
    from rapport.workspaces.models import Role

    role = Role.objects.get(workspace=workspace, key="support_agent")
    role.grants = {k: v for k, v in role.grants.items() if k != "contact"}
    Role.objects.filter(pk=role.pk).update(grants=role.grants)
    from rapport.workspaces.models import User
    from rapport.workspaces.queries import principal_for

    blind = principal_for(User.objects.get(pk=agent.user_id), workspace.pk)
    assert render_canned_response(blind, response.pk, ticket.pk) == "<p>Hi there</p>"


def test_body_with_unknown_merge_field_is_refused_with_its_line(owner: Any) -> None:
    before = _state()
    with pytest.raises(Invalid) as caught:
        make_canned(owner, body="<p>Hello</p>\n<p>{{ contact.first_name }}</p>")
    assert caught.value.errors[0].loc == ("body",)
    assert caught.value.errors[0].msg.startswith("Line 2: unknown merge field 'contact'")
    assert _state() == before


def test_body_is_sanitised_on_save(owner: Any) -> None:
    response = make_canned(owner, body='<p onclick="x()">Hi<script>alert(1)</script></p>')
    assert response.body == "<p>Hi</p>"


def test_personal_response_is_seen_and_changed_by_its_owner_only(workspace: Any) -> None:
    _, agent = make_member(workspace, "support_agent")
    _, other = make_member(workspace, "support_agent")
    mine = make_canned(agent, title="Mine", is_shared=False)
    assert [r.title for r in canned_choices(agent)] == ["Mine"]
    assert canned_choices(other) == []
    with pytest.raises(NotFound):
        get_canned_response(other, mine.pk)
    before = _state()
    with pytest.raises(NotFound):
        update_canned_response(other, mine.pk, {"title": "Theirs"})
    with pytest.raises(NotFound):
        delete_canned_response(other, mine.pk)
    assert _state() == before
    update_canned_response(agent, mine.pk, {"title": "Still mine"}, mine.version)
    assert CannedResponse.objects.get(pk=mine.pk).title == "Still mine"


def test_agent_may_not_write_shared_responses(workspace: Any, owner: Any) -> None:
    shared = make_canned(owner)
    _, agent = make_member(workspace, "support_agent")
    before = _state()
    with pytest.raises(Forbidden):
        make_canned(agent, title="Shared by an agent", is_shared=True)
    with pytest.raises(Forbidden):
        update_canned_response(agent, shared.pk, {"title": "Changed"})
    with pytest.raises(Forbidden):
        update_canned_response(agent, shared.pk, {"is_shared": False})
    assert _state() == before


def test_another_workspace_response_is_not_found(workspace: Any, owner: Any) -> None:
    theirs = make_canned(owner_principal(make_workspace("Globex")))
    ticket = make_ticket(owner)
    with pytest.raises(NotFound):
        render_canned_response(owner, theirs.pk, ticket.pk)
    with pytest.raises(NotFound):
        update_canned_response(owner, theirs.pk, {"title": "x"})


def test_apply_macro_changes_fields_tags_and_replies_in_one_go(workspace: Any, owner: Any) -> None:
    team = create_team(owner, "Tier 2")
    set_team_members(owner, team.pk, [owner.user_id])
    response = make_canned(owner)
    ticket = make_ticket(owner, tags=["vip", "new"])
    macro = make_macro(owner, {
        "priority": "high", "team_id": team.pk, "assignee_id": "me",
        "add_tags": ["waiting"], "remove_tags": ["new"], "status": "on_hold",
        "message": {"kind": "reply", "canned_response_id": response.pk},
    })  # fmt: skip
    after = apply_macro(owner, macro.pk, ticket.pk)
    assert (after.status, after.priority, after.team_id) == ("on_hold", "high", team.pk)
    assert after.assignee_id == owner.user_id
    assert sorted(t.name for t in after.tags.all()) == ["vip", "waiting"]
    reply = TicketMessage.objects.filter(ticket=ticket, kind="reply").get()
    assert reply.body_html == f"<p>Hi Ada, about #{ticket.number}.</p>"
    applied = AuditEntry.objects.filter(object_type="macro", action="apply").get()
    assert applied.object_id == macro.pk


def test_apply_macro_with_a_note_keeps_the_status_it_sets(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    macro = make_macro(
        owner,
        {"status": "solved", "message": {"kind": "note", "body": "Fixed by {{ agent.name }}"}},
    )
    after = apply_macro(owner, macro.pk, ticket.pk)
    assert after.status == "solved"
    note = TicketMessage.objects.get(ticket=ticket, kind="note")
    assert note.body_html.startswith("<p>Fixed by ")


def test_apply_macro_is_all_or_nothing(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    response = make_canned(owner)
    macro = make_macro(owner, {
        "priority": "urgent", "message": {"kind": "reply", "canned_response_id": response.pk},
    })  # fmt: skip
    delete_canned_response(owner, response.pk)  # the reply can no longer be written
    before = (list(Ticket.objects.values()), TicketMessage.objects.count())
    with pytest.raises(Invalid):
        apply_macro(owner, macro.pk, ticket.pk)
    assert (list(Ticket.objects.values()), TicketMessage.objects.count()) == before


def test_apply_macro_needs_the_right_to_edit_the_ticket(workspace: Any, owner: Any) -> None:
    ticket = make_ticket(owner)
    macro = make_macro(owner)
    _, rep = make_member(workspace, "sales_rep")  # views tickets, may not edit them
    before = list(Ticket.objects.values())
    with pytest.raises(Forbidden):
        apply_macro(rep, macro.pk, ticket.pk)
    assert list(Ticket.objects.values()) == before


def test_macro_actions_are_checked_against_the_workspace(workspace: Any, owner: Any) -> None:
    other_team = create_team(owner_principal(make_workspace("Globex")), "Theirs")
    before = _state()
    with pytest.raises(Invalid) as caught:
        make_macro(owner, {"team_id": other_team.pk, "status": "nonsense"})
    assert caught.value.errors[0].loc[:2] == ("actions", "status")
    with pytest.raises(Invalid) as caught:
        make_macro(owner, {"team_id": other_team.pk})
    assert caught.value.errors[0].loc == ("actions", "team_id")
    with pytest.raises(Invalid) as caught:
        make_macro(owner, {"message": {"kind": "reply", "body": "{{ nope }}"}})
    assert caught.value.errors[0].loc == ("actions", "message", "body")
    with pytest.raises(Invalid) as caught:
        create_macro(owner, title="Does nothing", actions={})
    assert caught.value.errors[0].loc == ("actions",)
    assert _state() == before


def test_update_macro_needs_the_macro_grant(workspace: Any, owner: Any) -> None:
    macro = make_macro(owner)
    _, agent = make_member(workspace, "support_agent")
    before = _state()
    with pytest.raises(Forbidden):
        update_macro(agent, macro.pk, {"title": "Mine now"})
    assert _state() == before
