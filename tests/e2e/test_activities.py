"""Activities in a real browser: log a call on a contact's timeline; bulk-complete tasks."""

from __future__ import annotations

import pytest

from rapport.activities.models import Activity
from rapport.activities.services import create_activity
from rapport.contacts.services import create_contact
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_log_a_call_and_see_it_on_the_timeline(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    rep, _ = make_member(workspace, "sales_rep", email="rita@northwind.example.com")
    ada = create_contact(owner_principal(workspace), {"first_name": "Ada", "last_name": "Lovelace"})
    sign_in(page, rep.email, PASSWORD)
    page.goto(f"/contacts/{ada.pk}")

    page.get_by_role("button", name="Log a call").click()
    page.get_by_label("Subject").fill("Discovery call")
    page.get_by_label("Notes").fill("Wants a <b>demo</b> next week.")
    page.get_by_label("Duration (minutes)").fill("25")
    page.locator("#activity-form").get_by_role("button", name="Save").click()

    item = page.locator("#timeline-items li").first
    item.get_by_text("Discovery call").wait_for()
    assert "Wants a <b>demo</b> next week." in item.inner_text()  # shown as text, not markup
    call = Activity.objects.get(contact=ada)
    assert (call.kind, call.subject, call.duration_seconds) == ("call", "Discovery call", 1500)
    screenshot(page, "contact-timeline")
    assert page.script_errors == []


def test_mark_tasks_done_from_the_activities_list(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    rep, rep_principal = make_member(workspace, "sales_rep", email="rita@northwind.example.com")
    ada = create_contact(rep_principal, {"first_name": "Ada", "last_name": "Lovelace"})
    tasks = [
        create_activity(rep_principal, "task", {"contact_id": ada.pk, "subject": subject})
        for subject in ("Send the quote", "Book the demo")
    ]
    sign_in(page, rep.email, PASSWORD)
    page.goto("/activities")

    page.get_by_role("link", name="Open tasks").click()
    page.get_by_label("Select Task: Send the quote").check()
    page.get_by_label("Select Task: Book the demo").check()
    assert page.locator("[data-selected-count]").inner_text() == "2"
    page.get_by_label("Action").select_option("complete")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(".bulk-bar").get_by_role("button", name="Apply").click()
    page.get_by_text("2 activities marked done").wait_for()

    assert [Activity.objects.get(pk=t.pk).is_done for t in tasks] == [True, True]
    assert page.get_by_role("heading", name="No activities match these filters").is_visible()
    assert page.script_errors == []
