"""Signing in through a real browser, and the API docs page served without any CDN."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, make_user, make_workspace
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_with_a_wrong_then_right_password(page, live_server) -> None:  # type: ignore[no-untyped-def]
    user = make_user("rita@example.com", full_name="Rita Rep")
    make_workspace("Acme", user)
    page.goto("/login")
    page.get_by_label("Email").fill("Rita@Example.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").is_visible()
    assert page.get_by_label("Email").input_value() == "Rita@Example.com"
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    me = page.request.get(f"{live_server.url}/api/v1/me")
    assert me.status == 200
    assert me.json()["email"] == "rita@example.com"
    assert page.script_errors == []


def test_sign_in_page_fits_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    phone.goto("/login")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    assert phone.get_by_role("button", name="Sign in").is_visible()
    screenshot(phone, "sign-in-phone")
    context.close()


def test_api_docs_load_every_asset_from_the_app(page, live_server) -> None:  # type: ignore[no-untyped-def]
    outside: list[str] = []
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto("/api/v1/docs")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Rapport API" in page.locator(".swagger-ui .info .title").inner_text()
    assert outside == []
    assert page.script_errors == []
    screenshot(page, "api-docs")
