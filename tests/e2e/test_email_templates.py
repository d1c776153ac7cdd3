"""Email templates in a real browser on a phone: write one, preview it with a found contact."""

from __future__ import annotations

import pytest

from rapport.contacts.services import create_contact
from rapport.emailtemplates.models import EmailTemplate
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_write_a_template_and_preview_it_with_a_contact_on_a_phone(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    create_contact(owner, {"first_name": "Zed", "last_name": "Recent"})
    create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    marketer, _ = make_member(workspace, "marketer", email="mia@northwind.example.com")
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, marketer.email, PASSWORD)

    page.goto("/settings/email-templates/new")
    page.get_by_label("Name").fill("Welcome")
    page.get_by_label("Subject").fill("Hi {{ contact.first_name }}")
    page.get_by_label("Body").fill('Hello {{ contact.first_name or "there" }},\nwelcome aboard.')
    preview = page.locator("#email-preview")
    preview.get_by_text("Hi Ada").wait_for()  # typed text previews with the latest contact

    page.get_by_label("Find a contact").fill("zed")
    preview.get_by_text("Hi Zed").wait_for()  # the first match is chosen and previewed
    assert preview.locator("pre").inner_text() == "Hello Zed,\nwelcome aboard."
    page.get_by_label("Preview with").select_option(
        label="No contact (fields print their fallback)"
    )
    preview.get_by_text("Hello there,").wait_for()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the editor scrolls sideways on a phone ({width}px)"
    screenshot(page, "email-template-phone")

    page.get_by_role("button", name="Create template").click()
    page.wait_for_url("**/settings/email-templates")
    assert page.get_by_role("link", name="Welcome").is_visible()
    assert EmailTemplate.objects.get(workspace=workspace).subject == "Hi {{ contact.first_name }}"
    assert page.get_by_text("Saved").count() == 0  # a preview is not a save
    assert page.script_errors == []
