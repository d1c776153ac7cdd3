"""Quotes in a real browser: make a quote on a deal, send it, open the link from the email,
accept it as the customer, and find the deal won; every control named and nothing wider than a
phone on the pages involved."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, make_member, make_workspace
from tests.e2e.conftest import screenshot, sign_in
from tests.e2e.test_accessibility import UNNAMED_CONTROLS
from tests.quotes.factories import make_quotable_deal

pytestmark = pytest.mark.django_db(transaction=True)


def test_send_a_quote_and_the_customer_accepts_it(  # type: ignore[no-untyped-def]
    browser, live_server, smtp_server, immediate_jobs, settings
) -> None:
    settings.BASE_URL = live_server.url
    workspace = make_workspace("Northwind")
    rita, rep = make_member(
        workspace, "sales_rep", email="rita@northwind.example.com", full_name="Rita Rep"
    )
    deal = make_quotable_deal(rep)
    seller = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = seller.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, rita.email, PASSWORD)
    page.goto(f"/deals/{deal.pk}")
    products = page.locator("#deal-products")
    products.get_by_text("Pro seat").first.wait_for()
    assert "€2,796.00" in products.inner_text()  # the total with tax under the lines

    quotes = page.locator("#deal-quotes")
    quotes.get_by_text("New quote").click()
    quotes.get_by_label("Terms").fill("Payment within 30 days of invoice.")
    quotes.get_by_role("button", name="Create quote").click()
    quotes.get_by_role("link", name="v1").wait_for()
    number = quotes.get_by_role("link", name="v1").inner_text().split()[0]
    quotes.get_by_text("Send", exact=True).click()
    assert quotes.get_by_label("To").input_value() == "alice@umbrella.example.com"
    quotes.get_by_label("Message").fill("As promised, our offer.")
    quotes.get_by_role("button", name=f"Send {number}").click()
    quotes.get_by_text("Sent", exact=True).wait_for()

    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "alice@umbrella.example.com"
    link = next(url for url in smtp_server.links(message) if "/q/" in url)

    customer_context = browser.new_context(viewport={"width": 1100, "height": 900})
    customer = customer_context.new_page()
    customer.set_default_timeout(10_000)
    customer.goto(link)
    customer.get_by_role("heading", name=f"Quote {number}").wait_for()
    assert customer.evaluate(UNNAMED_CONTROLS) == []
    screenshot(customer, "quote")
    customer.set_viewport_size({"width": 375, "height": 800})
    assert customer.evaluate("document.documentElement.scrollWidth") <= 375
    customer.get_by_label("Your name").fill("Alice Abernathy")
    customer.get_by_label("Comment").fill("Looking forward to it.")
    customer.get_by_role("button", name="Accept quote").click()
    customer.get_by_role("heading", name="Thank you, Alice Abernathy").wait_for()
    customer_context.close()

    page.goto(f"/deals/{deal.pk}")
    current = page.locator(".stage-step.is-current")
    assert current.inner_text().strip() == "Won"
    page.locator("#deal-quotes").get_by_text("Accepted", exact=True).wait_for()
    assert page.evaluate(UNNAMED_CONTROLS) == []
    page.set_viewport_size({"width": 375, "height": 800})
    for panel in ("#deal-products", "#deal-quotes"):  # the line table scrolls inside its panel
        assert (
            page.evaluate(f"document.querySelector('{panel}').getBoundingClientRect().right") <= 375
        )
    seller.close()
