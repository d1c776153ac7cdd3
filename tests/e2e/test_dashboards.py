"""The sales dashboard in a real browser, on the demo workspace's year of deals: on a desktop
and on a 375 px phone the charts load as images (the narrow drawing on the phone) with real
figures and value labels that never repeat, nothing overflows and the CSP reports nothing.

It also writes docs/screenshots/sales-dashboard*.png: the first screen and the whole page.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.utils import timezone

from rapport.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DemoSize, seed_demo
from rapport.forecasts.periods import period_of
from rapport.forecasts.services import set_quotas
from rapport.workspaces.queries import principal_for
from tests.e2e.conftest import SCREENSHOTS, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
LOADED_CHARTS = """() => [...document.querySelectorAll('img.chart-image')]
    .map(img => [img.currentSrc, img.complete && img.naturalWidth > 0])"""
# The demo's deals (a year of them, in two pipelines) with fewer contacts, to seed quickly.
SIZE = DemoSize(contacts=150, companies=60, activities=150, deals=600)
QUOTAS = {"maria.keller@rapport.local": "90000", "sam.turner@rapport.local": "70000",
          "priya.nair@rapport.local": "80000"}  # fmt: skip


def _seed_demo() -> None:
    """The demo workspace, and monthly quotas for its three sellers (the demo sets none)."""
    seeded = seed_demo(SIZE, seed=2024)
    owner = principal_for(seeded.users[0], seeded.workspace.pk)
    months = period_of("quarter", timezone.localdate()).months
    sellers = {user.email: user for user in seeded.record_owners()}
    set_quotas(owner, [{"user_id": sellers[email].pk, "month": month.strftime("%Y-%m"),
                        "amount": amount} for email, amount in QUOTAS.items()
                       for month in months])  # fmt: skip


def _check_chart(page: Any, src: str) -> None:
    """The chart has figures to show, and no axis repeats a label."""
    svg = page.request.get(src).text()
    assert "Nothing to show" not in svg, src
    for axis in svg.split('<g class="axis ')[1:]:
        labels = re.findall(r"<text [^>]*>([^<]*)</text>", axis.split("</g></g>", 1)[0])
        assert len(labels) >= 3 and len(set(labels)) == len(labels), (src, labels)


def _screenshots(page: Any, name: str, width: int) -> None:
    """The first screen, then the whole page through a viewport as tall as the page, so the
    sticky sidebar and top bar stay at the top instead of where the page was scrolled to."""
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"))


def test_the_dashboard_on_a_desktop_and_a_phone(browser: Any, live_server: Any) -> None:
    _seed_demo()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for width, name in ((1280, "sales-dashboard"), (375, "sales-dashboard-phone")):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": 900}
        )
        page = context.new_page()
        errors: list[str] = []

        def record(message: Any, errors: list[str] = errors) -> None:
            if "Content Security" in message.text:
                errors.append(message.text)

        page.on("console", record)
        sign_in(page, DEMO_OWNER_EMAIL, DEMO_PASSWORD)
        page.goto("/dashboards/sales")
        page.get_by_role("heading", name="Top deals closing this month").wait_for()
        for image in page.locator("img.chart-image").all():
            image.scroll_into_view_if_needed()
        page.wait_for_load_state("networkidle")
        charts = page.evaluate(LOADED_CHARTS)
        assert len(charts) == 5 and all(ok for _, ok in charts), charts
        assert all(("size=narrow" in src) == (width == 375) for src, _ in charts)
        for src, _ in charts:
            _check_chart(page, src)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert page.locator(".chart-legend").first.is_visible()
        page.get_by_text("Figures").first.click()
        assert page.get_by_role("rowheader", name="Sales · Proposal").is_visible()
        page.get_by_text("Figures").first.click()  # closed again for the screenshots
        assert errors == []
        _screenshots(page, name, width)
        context.close()
