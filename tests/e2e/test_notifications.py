"""Notifications in a real browser on a phone: the bell, the centre, marking read, settings."""

from __future__ import annotations

import pytest

from rapport.activities.services import create_activity
from rapport.contacts.services import create_contact
from rapport.core.dispatch import dispatch_events
from tests.conftest import PASSWORD, make_member, make_workspace
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_accessibility import UNNAMED_CONTROLS

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phone_user_reads_notifications_and_chooses_what_to_get(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    _, ada = make_member(
        workspace, "admin", full_name="Ada Admin", email="ada@northwind.example.com"
    )
    bob, _ = make_member(
        workspace, "sales_rep", full_name="Bob Rep", email="bob@northwind.example.com"
    )
    grace = create_contact(ada, {"first_name": "Grace", "last_name": "Hopper", "owner_id": bob.pk})
    note = "@Bob Rep could you call Grace about the renewal of the analytical engine contract?"
    create_activity(ada, "note", {"contact_id": grace.pk, "body": note})
    dispatch_events("e2e")

    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    errors: list[str] = []
    phone.on("console", lambda m: errors.append(m.text) if "Content Security" in m.text else None)
    sign_in(phone, bob.email, PASSWORD)
    phone.goto("/contacts")
    bell = phone.get_by_role("link", name="Notifications: 2 unread")
    bell.wait_for()
    bell.click()
    phone.wait_for_url("**/notifications")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.evaluate(UNNAMED_CONTROLS) == []
    screenshot(phone, "notifications-phone")

    phone.get_by_role("button", name="Mark read: Ada Admin mentioned you in a note").click()
    phone.get_by_role("link", name="Notifications: 1 unread").wait_for()
    assert phone.locator(".notification.is-unread").count() == 1
    phone.get_by_role("button", name="Mark all read").click()
    phone.get_by_text("1 notification marked read.").wait_for()
    phone.get_by_role("link", name="Ada Admin assigned you Contact Grace Hopper").click()
    phone.wait_for_url(f"**/contacts/{grace.pk}")

    phone.goto("/settings/notifications")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.evaluate(UNNAMED_CONTROLS) == []
    phone.get_by_label("A record was assigned to me: by email").check()
    phone.get_by_role("button", name="Save").first.click()  # the choices; the second: away
    phone.get_by_text("Notification settings saved.").wait_for()
    assert phone.get_by_label("A record was assigned to me: by email").is_checked()
    screenshot(phone, "notification-settings-phone")
    assert errors == []
    context.close()
