"""Tickets in a real browser: an agent opens a ticket, inserts a canned response with the
requester's name filled in, adds a word in the editor, sends the reply and solves the ticket;
the reply is in the thread and reaches the customer by email. Then the same on a phone."""

from __future__ import annotations

import pytest

from rapport.tickets.models import Ticket, TicketMessage
from tests.conftest import PASSWORD, make_member, make_workspace
from tests.e2e.conftest import screenshot, sign_in
from tests.macros.factories import make_canned
from tests.tickets.factories import make_ticket

pytestmark = pytest.mark.django_db(transaction=True)


def test_agent_replies_with_a_canned_response(  # type: ignore[no-untyped-def]
    page, smtp_server, immediate_jobs, settings, tmp_path
) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"
    workspace = make_workspace("Northwind")
    agent_user, agent = make_member(
        workspace, "support_agent", email="sam@northwind.example.com", full_name="Sam Agent"
    )
    ticket = make_ticket(agent, body="My printer is on fire.", assignee_id=agent.user_id)
    from tests.conftest import owner_principal

    make_canned(
        owner_principal(workspace),
        title="Printer help",
        body="<p>Hi {{ requester.first_name }}, please <strong>unplug</strong> it.</p>",
    )
    sign_in(page, agent_user.email, PASSWORD)

    page.goto("/tickets")
    page.get_by_role("link", name="Printer on fire").click()
    page.wait_for_url(f"**/tickets/{ticket.number}")
    editor = page.get_by_role("textbox", name="Message")
    editor.click()
    page.get_by_label("Canned response").select_option(label="Printer help")
    page.get_by_role("button", name="Insert").click()
    editor.get_by_text("Hi Ada, please unplug it.").wait_for()
    editor.press("End")
    editor.type(" Thanks!")
    page.get_by_role("button", name="Send and solve").click()
    page.wait_for_url(f"**/tickets/{ticket.number}**")

    reply = page.locator(".message.is-reply")
    reply.get_by_text("please unplug it").wait_for()
    assert reply.locator(".message-body strong").inner_text() == "unplug"
    stored = TicketMessage.objects.get(ticket=ticket, kind="reply")
    assert "Hi Ada, please <strong>unplug</strong> it. Thanks!" in stored.body_html
    assert Ticket.objects.get(pk=ticket.pk).status == "solved"
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.com"
    assert "please unplug it" in message.get_body(("plain",)).get_content()
    assert page.script_errors == []
    screenshot(page, "ticket-reply")


def test_ticket_page_fits_a_phone_and_marks_notes(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    agent_user, agent = make_member(workspace, "support_agent", email="sam@northwind.example.com")
    ticket = make_ticket(agent, body="Help")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, agent_user.email, PASSWORD)
    page.goto(f"/tickets/{ticket.number}")
    page.get_by_label("Internal note").check()
    page.get_by_role("textbox", name="Message").click()
    page.keyboard.type("Checked the logs")
    page.keyboard.press("Control+b")
    page.keyboard.type(" twice")
    page.get_by_role("button", name="Add internal note").click()
    note = page.locator(".message.is-note")
    note.get_by_text("Internal").wait_for()
    assert note.locator(".message-body b, .message-body strong").inner_text().strip() == "twice"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the ticket page scrolls sideways on a phone ({width}px)"
    page.goto("/tickets?queue=all")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the queue scrolls sideways on a phone ({width}px)"
    assert page.script_errors == []
    screenshot(page, "ticket-phone")


def test_ticket_pages_name_every_control_and_fit_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import owner_principal
    from tests.e2e.test_accessibility import UNNAMED_CONTROLS
    from tests.macros.factories import make_macro

    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    ticket = make_ticket(owner, body="Help")
    response, macro = make_canned(owner), make_macro(owner)
    pages = [
        "/tickets", "/tickets?queue=all", f"/tickets/{ticket.number}", "/tickets/new",
        "/settings/canned-responses", f"/settings/canned-responses/{response.pk}",
        "/settings/macros", f"/settings/macros/{macro.pk}", "/settings/macros/new",
    ]  # fmt: skip
    for width in (1280, 375):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        sign_in(page, admin.email, PASSWORD)
        for path in pages:
            answer = page.goto(path)
            assert answer is not None and answer.status == 200, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate(UNNAMED_CONTROLS) == [], path
            assert page.locator("h1").count() == 1, path
            if width == 375:
                assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        context.close()
