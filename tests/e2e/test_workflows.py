"""Workflows in a real browser: build one, dry-run it on a contact, switch it on, watch it run;
and the builder on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from rapport.automation.models import Workflow
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from tests.automation.conftest import drive
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_accessibility import UNNAMED_CONTROLS

pytestmark = pytest.mark.django_db(transaction=True)

SETTLED = "() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


def redraw(page, action: Callable[[], None]) -> None:  # type: ignore[no-untyped-def]
    """Do what makes the builder redraw itself, and wait until the new builder is in place."""
    with page.expect_response(lambda r: r.request.method == "POST" and "/workflows/" in r.url):
        action()
    page.wait_for_function(SETTLED)


def add_step(page, kind: str) -> None:  # type: ignore[no-untyped-def]
    page.locator("summary", has_text="Add step").last.click()
    redraw(page, lambda: page.get_by_role("menuitem", name=kind).click())


@pytest.fixture
def team():  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    return workspace, owner, admin


def test_build_a_workflow_test_it_switch_it_on_and_see_it_run(page, team) -> None:  # type: ignore[no-untyped-def]
    workspace, owner, admin = team
    sample = create_contact(owner, {"first_name": "Sam", "last_name": "Sample", "city": "London"})
    sign_in(page, admin.email, PASSWORD)
    page.goto("/workflows")
    page.get_by_role("link", name="Create your first workflow").click()
    page.wait_for_url("**/workflows/new")

    page.get_by_label("Name").fill("Londoners become customers")
    assert page.locator("#trigger-type").input_value() == "record_created"
    assert page.locator("#trigger-object_type").input_value() == "contact"
    redraw(page, lambda: page.get_by_role("button", name="Add condition").click())
    redraw(page, lambda: page.locator("#cond-0-field").select_option("city"))
    page.locator("#cond-0-value").fill("London")
    add_step(page, "Update a field")
    redraw(page, lambda: page.locator("#steps-0-field").select_option("lifecycle_stage"))
    page.locator("#steps-0-value").select_option("customer")
    add_step(page, "Add a tag")
    assert page.locator("#steps-1-tag").evaluate("el => el === document.activeElement")
    page.locator("#steps-1-tag").fill("vip")
    assert page.get_by_label("Name").input_value() == "Londoners become customers"
    assert page.locator("#cond-0-value").input_value() == "London"  # nothing typed was lost
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "workflow-builder")
    page.get_by_role("button", name="Create workflow").first.click()
    page.wait_for_url(re.compile(r".*/workflows/\d+$"))
    workflow = Workflow.objects.get(workspace=workspace)
    assert page.get_by_text("When a contact is created").is_visible()

    page.get_by_label("Test with").select_option(str(sample.pk))
    page.get_by_role("button", name="Test", exact=True).click()
    result = page.locator("#test-result")
    result.get_by_text("Would set lifecycle_stage to 'customer' (now 'lead').").wait_for()
    assert result.get_by_text("Would add the tag 'vip'.").is_visible()
    assert Contact.objects.get(pk=sample.pk).lifecycle_stage == "lead"  # a dry run changes nothing

    page.get_by_role("button", name="Switch on").click()
    page.get_by_role("button", name="Switch off").wait_for()
    lee = create_contact(owner, {"first_name": "Lee", "city": "London"})
    drive()
    page.reload()
    history = page.locator("#run-rows")
    assert history.get_by_text("Succeeded").is_visible()
    assert history.get_by_role("link", name="Lee").is_visible()
    lee.refresh_from_db()
    assert lee.lifecycle_stage == "customer"
    assert list(lee.tags.values_list("name", flat=True)) == ["vip"]
    screenshot(page, "workflow-runs")
    assert workflow.runs.count() == 1
    assert page.script_errors == []


def test_the_builder_fits_a_phone(page, team) -> None:  # type: ignore[no-untyped-def]
    _, _, admin = team
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, admin.email, PASSWORD)
    page.goto("/workflows/new")
    redraw(page, lambda: page.get_by_role("button", name="Add condition").click())
    redraw(page, lambda: page.get_by_role("button", name="Add group").click())
    add_step(page, "Branch (if / else)")
    page.locator("summary", has_text="Add step to Then").click()
    redraw(page, lambda: page.get_by_role("menuitem", name="Create a task").click())
    assert page.locator("#steps-0-then-0-subject").is_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the builder scrolls sideways on a phone ({width}px)"
    assert page.evaluate(UNNAMED_CONTROLS) == []
    assert page.locator("h1").count() == 1
    assert page.script_errors == []
