"""Every main page: each control has an accessible name, the page has one h1, nothing overflows
a phone's width, and keyboard focus is visible."""

from __future__ import annotations

import pytest

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

UNNAMED_CONTROLS = """() => Array.from(document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href]'
  )).filter(el => {
    const hidden = '[hidden], dialog:not([open]), details:not([open]) > :not(summary)';
    if (el.closest(hidden)) return false;
    const name = (el.getAttribute('aria-label') || '').trim()
      || (el.labels && Array.from(el.labels).map(l => l.textContent).join('').trim())
      || (el.getAttribute('aria-labelledby') ? 'labelled' : '')
      || (['BUTTON', 'A'].includes(el.tagName) ? el.textContent.trim() : '')
      || (el.getAttribute('title') || '').trim();
    return !name;
  }).map(el => el.outerHTML.slice(0, 120))"""


def test_main_pages_name_every_control_and_fit_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    firm = create_company(owner, {"name": "Acme", "domains": ["acme.example.com"]})
    ada = create_contact(owner, {"first_name": "Ada", "company_id": firm.pk})
    pages = [
        "/contacts", f"/contacts/{ada.pk}", "/contacts/new", "/companies",
        f"/companies/{firm.pk}", "/companies/new", "/tasks", "/activities", "/search?q=ada",
        "/settings/users", "/settings/roles", "/settings/custom-fields", "/settings/tags",
        "/settings/tokens", "/settings/audit", "/settings/restore-bin",
    ]  # fmt: skip
    for width in (1280, 375):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        sign_in(page, admin.email, PASSWORD)
        for path in pages:
            response = page.goto(path)
            assert response is not None and response.status == 200, path
            page.wait_for_load_state("networkidle")
            assert page.evaluate(UNNAMED_CONTROLS) == [], path
            assert page.locator("h1").count() == 1, path
            if width == 375:
                assert page.evaluate("document.documentElement.scrollWidth") <= 375, path
        context.close()


def test_keyboard_focus_is_visible_and_skip_link_leads_to_content(page, live_server) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    sign_in(page, admin.email, PASSWORD)
    page.goto("/contacts")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    outline = skip.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main"
