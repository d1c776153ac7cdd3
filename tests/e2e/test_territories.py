"""Territories in a real browser: every control named and nothing wider than a phone; a
territory drawn, moved to the top and tested with the test box (htmx), no CSP violation."""

from __future__ import annotations

import pytest

from rapport.territories.models import Territory
from rapport.territories.services import create_territory
from rapport.workspaces.services import create_team
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import sign_in
from tests.e2e.test_accessibility import UNNAMED_CONTROLS

pytestmark = pytest.mark.django_db(transaction=True)


def test_territory_pages_name_every_control_and_fit_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    team = create_team(owner, "Enterprise field sales, Central and Eastern Europe")
    territory = create_territory(owner, {
        "name": "Central and Eastern Europe, enterprise accounts", "team_id": team.pk,
        "countries": ["DE", "AT", "CH", "PL", "CZ", "SK", "HU", "SI", "HR", "RO", "BG"],
        "industries": ["Software", "Financial services"], "min_employees": 1000,
    })  # fmt: skip
    pages = ["/settings/territories", f"/settings/territories/{territory.pk}",
             "/settings/territories/test?country=PL&employee_count=5000",
             "/settings/users", "/settings/notifications"]  # fmt: skip
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


def test_draw_a_territory_move_it_up_and_test_the_rules(page) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    team = create_team(owner, "DACH")
    create_territory(owner, {"name": "Everywhere", "team_id": team.pk})
    manager, _ = make_member(workspace, "manager", email="max@northwind.example.com")
    sign_in(page, manager.email, PASSWORD)

    page.goto("/settings/territories")
    page.get_by_label("Name").fill("DACH")
    page.locator("#id_team_id").select_option(label="DACH")
    page.get_by_label("Countries").fill("DE, AT, CH")
    page.get_by_role("button", name="Create territory").click()
    page.get_by_text("Territory DACH created").wait_for()
    page.get_by_role("button", name="Move DACH up").click()
    page.get_by_text("Order saved.").wait_for()
    assert list(Territory.objects.order_by("position").values_list("name", flat=True)) == [
        "DACH", "Everywhere",
    ]  # fmt: skip

    page.get_by_label("Country", exact=True).fill("at")
    page.get_by_role("button", name="Test", exact=True).click()
    result = page.locator("#territory-test-result")
    result.get_by_text("DACH: matches (country DE, AT, CH)").wait_for()
    assert "worked by DACH" in result.inner_text()
    assert page.url.endswith("/settings/territories")  # htmx swapped the result in place
    assert page.script_errors == []
