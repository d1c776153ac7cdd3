"""Contacts in a real browser: create, edit in place, resolve a conflict, search, bulk, phone."""

from __future__ import annotations

import re

import pytest

from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, update_contact
from rapport.customfields.services import create_custom_field
from rapport.savedviews.models import SavedView
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def team():  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(
        workspace, "admin", email="ada@northwind.example.com", full_name="Ada Admin"
    )
    return workspace, owner, admin


def test_create_a_contact_with_a_custom_field(page, team) -> None:  # type: ignore[no-untyped-def]
    _, owner, admin = team
    create_custom_field(
        owner, object_type="contact", key="tier", label="Tier", field_type="single_select",
        options=[{"value": "gold"}, {"value": "silver"}],
    )  # fmt: skip
    sign_in(page, admin.email, PASSWORD)
    page.goto("/contacts")
    page.get_by_role("link", name="New contact").first.click()
    page.get_by_label("First name").fill("Grace")
    page.get_by_label("Emails").fill("not an email")
    page.get_by_label("Tier").select_option("gold")
    page.get_by_role("button", name="Add contact").click()
    assert page.get_by_text("Some fields need a change").is_visible()
    assert page.get_by_label("First name").input_value() == "Grace"  # nothing typed is lost
    page.get_by_label("Emails").fill("grace@navy.example.com")
    page.get_by_role("button", name="Add contact").click()
    page.wait_for_url(re.compile(r".*/contacts/\d+$"))
    assert page.get_by_role("heading", name="Grace").is_visible()
    contact = Contact.objects.get()
    assert (contact.primary_email, contact.custom) == ("grace@navy.example.com", {"tier": "gold"})
    screenshot(page, "contact-record")
    assert page.script_errors == []


def test_edit_in_place_then_resolve_a_conflict(page, team) -> None:  # type: ignore[no-untyped-def]
    _, owner, admin = team
    ada = create_contact(owner, {"first_name": "Ada", "job_title": "Analyst"})
    sign_in(page, admin.email, PASSWORD)
    page.goto(f"/contacts/{ada.pk}")

    page.get_by_role("button", name="Edit Job title").click()
    page.locator("#field-job_title").fill("Countess")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved").wait_for()
    assert page.locator("#field-row-job_title").inner_text().count("Countess") == 1
    page.locator("#timeline-items").get_by_text("Countess").wait_for()  # the change is listed

    page.get_by_role("button", name="Edit City").click()
    page.locator("#field-city").wait_for()  # the form holds the version it was opened at
    update_contact(owner, ada.pk, {"city": "London"})  # someone else saves meanwhile
    page.locator("#field-city").fill("Paris")
    page.get_by_role("button", name="Save", exact=True).click()
    conflict = page.get_by_role("alert")
    conflict.wait_for()
    assert "London" in conflict.inner_text()
    assert page.locator("#field-city").input_value() == "Paris"
    page.get_by_role("button", name="Save mine").click()
    page.locator("#field-row-city").get_by_text("Paris").wait_for()
    ada.refresh_from_db()
    assert (ada.job_title, ada.city) == ("Countess", "Paris")
    assert page.script_errors == []


def test_search_with_ctrl_k_opens_the_record(page, team) -> None:  # type: ignore[no-untyped-def]
    _, owner, admin = team
    ada = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    create_contact(owner, {"first_name": "Alan", "last_name": "Turing"})
    sign_in(page, admin.email, PASSWORD)
    page.goto("/contacts")
    page.keyboard.press("Control+k")
    page.get_by_role("searchbox", name="Search contacts and companies").fill("lovel")
    page.get_by_role("option", name="Ada Lovelace").wait_for()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/contacts/{ada.pk}")
    assert page.script_errors == []


def test_bulk_assign_an_owner(page, team) -> None:  # type: ignore[no-untyped-def]
    workspace, owner, admin = team
    rep, _ = make_member(workspace, "sales_rep", full_name="Rita Rep")
    a = create_contact(owner, {"first_name": "Ann"})
    b = create_contact(owner, {"first_name": "Ben"})
    create_contact(owner, {"first_name": "Cy"})
    sign_in(page, admin.email, PASSWORD)
    page.goto("/contacts")
    page.get_by_label("Select Ann").check()
    page.get_by_label("Select Ben").check()
    assert page.locator("[data-selected-count]").inner_text() == "2"
    page.get_by_label("Action").select_option("owner")
    page.get_by_label("Owner", exact=True).select_option(label="Rita Rep")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Apply", exact=True).click()
    page.get_by_text("2 contacts updated").wait_for()
    assert set(Contact.objects.filter(owner_id=rep.pk).values_list("pk", flat=True)) == {a.pk, b.pk}
    screenshot(page, "contact-list")
    assert page.script_errors == []


def test_a_read_only_user_cannot_edit(page, team) -> None:  # type: ignore[no-untyped-def]
    workspace, owner, _ = team
    reader, _ = make_member(workspace, "read_only", email="rob@northwind.example.com")
    ada = create_contact(owner, {"first_name": "Ada"})
    sign_in(page, reader.email, PASSWORD)
    page.goto(f"/contacts/{ada.pk}")
    assert page.get_by_role("heading", name="Ada").is_visible()
    assert page.get_by_role("button", name="Edit Job title").count() == 0
    assert page.get_by_role("button", name="Delete").count() == 0
    page.goto("/contacts")
    assert page.get_by_role("link", name="New contact").count() == 0
    assert page.locator("[data-select-all]").count() == 0


def test_list_and_record_fit_a_phone(browser, live_server, team) -> None:  # type: ignore[no-untyped-def]
    _, owner, admin = team
    email = "ada.lovelace@analytical-engines.example.com"  # long: it must wrap, not overflow
    ada = create_contact(
        owner, {"first_name": "Ada", "last_name": "Lovelace", "emails": [{"email": email}]}
    )
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    sign_in(phone, admin.email, PASSWORD)
    for path, name in (
        ("/contacts", "contact-list-phone"),
        (f"/contacts/{ada.pk}", "contact-record-phone"),
    ):
        phone.goto(path)
        phone.wait_for_load_state("networkidle")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 375
        screenshot(phone, name)
    phone.get_by_role("button", name="Open menu").click()
    assert (
        phone.get_by_role("complementary", name="Main")
        .get_by_role("link", name="Contacts")
        .is_visible()
    )
    context.close()


def test_filter_the_list_and_save_the_view(page, team) -> None:  # type: ignore[no-untyped-def]
    _, owner, admin = team
    create_contact(
        owner, {"first_name": "Cora", "last_name": "Customer", "lifecycle_stage": "customer"}
    )
    create_contact(owner, {"first_name": "Leo", "last_name": "Lead", "lifecycle_stage": "lead"})
    sign_in(page, admin.email, PASSWORD)
    page.goto("/contacts")
    page.get_by_text("Filters and columns").click()
    page.locator("#f-field-0").select_option(label="Lifecycle stage")
    page.locator("#f-op-0").select_option("eq")
    page.locator("#f-value-0").fill("customer")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**f_field=lifecycle_stage**")
    assert page.get_by_role("link", name="Cora Customer").is_visible()
    assert page.get_by_role("link", name="Leo Lead").count() == 0

    page.get_by_text("Save view").click()
    page.get_by_label("View name").fill("Customers")
    page.get_by_label("Share with the workspace").check()
    page.get_by_role("button", name="Save as new view").click()
    page.get_by_text("View “Customers” saved.").wait_for()
    view = SavedView.objects.get()
    assert (view.name, view.is_shared, view.filters) == (
        "Customers", True, ["lifecycle_stage:eq:customer"],
    )  # fmt: skip
    page.goto("/contacts")
    page.get_by_role("navigation", name="Saved views").get_by_role("link", name="Customers").click()
    assert page.get_by_role("link", name="Leo Lead").count() == 0
    assert page.get_by_role("link", name="Cora Customer").is_visible()
    assert page.script_errors == []
