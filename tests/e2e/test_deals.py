"""Deals in a real browser: drag a card on the board, move one with the keyboard, lose one with a
reason, edit a deal's amount in place, and the board on a phone."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.utils import timezone

from rapport.activities.services import create_activity
from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.currencies.services import create_exchange_rate
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sales() -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A sales team's pipeline with realistic deals in most stages."""
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    admin, ada = make_member(
        workspace, "admin", email="ada@northwind.example.com", full_name="Ada Admin"
    )
    _, rita = make_member(
        workspace, "sales_rep", email="rita@northwind.example.com", full_name="Rita Rep"
    )
    create_exchange_rate(owner, "EUR", "2026-01-01", "1.08")
    pipeline = ensure_default_pipeline(workspace.pk)
    stages = {s.name: s for s in pipeline.stages.all()}
    firms = {
        name: create_company(owner, {"name": name, "domains": [domain]})
        for name, domain in (
            ("Acme Rockets", "acme.example.com"), ("Globex", "globex.example.com"),
            ("Initech", "initech.example.com"), ("Umbrella Health", "umbrella.example.com"),
            ("Stark Logistics", "stark.example.com"),
        )
    }  # fmt: skip
    today = timezone.now().date()
    rows = [
        ("Acme Rockets: fleet renewal", "Acme Rockets", "48000", "USD", "Qualification", 30, rita),
        ("Globex: analytics pilot", "Globex", "12500", "EUR", "Qualification", 45, ada),
        ("Initech: 200 seats", "Initech", "36000", "USD", "Needs analysis", 20, rita),
        ("Umbrella Health: onboarding", "Umbrella Health", "8900", "EUR", "Proposal", -5, ada),
        ("Stark Logistics: expansion", "Stark Logistics", "125000", "USD", "Negotiation", 14, rita),
        ("Globex: support plan", "Globex", "6400", "USD", "Won", None, ada),
    ]  # fmt: skip
    deals = {}
    for name, firm, amount, currency, stage, close_in, by in rows:
        data = {"name": name, "company_id": firms[firm].pk, "amount": amount, "currency": currency}
        if close_in is not None:
            data["expected_close_on"] = (today + dt.timedelta(days=close_in)).isoformat()
        deal = create_deal(by, data)
        if stage != "Qualification":
            deal = move_deal_to_stage(by, deal.pk, stages[stage].pk)
        deals[name] = deal
    # One deal has sat in its stage far longer than the stage expects: the board flags it.
    Deal.objects.filter(pk=deals["Initech: 200 seats"].pk).update(
        stage_entered_at=timezone.now() - dt.timedelta(days=23)
    )
    return {"workspace": workspace, "owner": owner, "admin": admin, "stages": stages,
            "deals": deals, "firms": firms, "pipeline": pipeline}  # fmt: skip


def _column(page, stage) -> Any:  # type: ignore[no-untyped-def]
    return page.locator(f"#column-{stage.pk}")


@pytest.fixture
def board_page(browser, live_server):  # type: ignore[no-untyped-def]
    """A wide window: the board shows five columns without scrolling."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1600, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda m: errors.append(m.text) if "Content Security Policy" in m.text else None,
    )
    page.script_errors = errors
    yield page
    context.close()


def _open_board(page, sales) -> None:  # type: ignore[no-untyped-def]
    sign_in(page, sales["admin"].email, PASSWORD)
    page.goto("/deals/board")
    page.wait_for_load_state("networkidle")


def _drag(page, card_id: int, stage) -> None:  # type: ignore[no-untyped-def]
    """Drag a card onto a column with the mouse, as a person would: the board is scrolled so the
    card's column comes first, and nothing scrolls while the mouse button is down."""
    card = page.locator(f"#card-{card_id}")
    card.evaluate("el => el.closest('.board-column').scrollIntoView({inline: 'start'})")
    source, target = card.bounding_box(), _column(page, stage).bounding_box()
    page.mouse.move(source["x"] + source["width"] / 2, source["y"] + 12)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + 80, steps=8)
    page.mouse.up()


def test_drag_a_card_to_another_column(board_page, sales) -> None:  # type: ignore[no-untyped-def]
    page = board_page
    deal = sales["deals"]["Acme Rockets: fleet renewal"]
    qualification, proposal = sales["stages"]["Qualification"], sales["stages"]["Proposal"]
    _open_board(page, sales)
    assert "2 deals" in _column(page, qualification).locator(".column-stats").inner_text()

    _drag(page, deal.pk, proposal)

    page.locator("#save-state").get_by_text("Saved").wait_for()
    _column(page, proposal).locator(f"#card-{deal.pk}").wait_for()
    assert "1 deal ·" in _column(page, qualification).locator(".column-stats").inner_text()
    assert "2 deals" in _column(page, proposal).locator(".column-stats").inner_text()
    assert Deal.objects.get(pk=deal.pk).stage_id == proposal.pk
    page.reload()
    page.wait_for_load_state("networkidle")
    assert _column(page, proposal).locator(f"#card-{deal.pk}").count() == 1
    assert "2 deals" in _column(page, proposal).locator(".column-stats").inner_text()
    screenshot(page, "deals-board")
    assert page.script_errors == []


def test_move_a_card_with_the_keyboard(page, sales) -> None:  # type: ignore[no-untyped-def]
    deal = sales["deals"]["Globex: analytics pilot"]
    negotiation = sales["stages"]["Negotiation"]
    _open_board(page, sales)

    page.locator(f"#card-{deal.pk}").focus()
    page.keyboard.press("Tab")  # the deal's link
    page.keyboard.press("Tab")  # its Move control
    select = page.locator(f"#move-{deal.pk}")
    assert select.evaluate("el => el === document.activeElement")
    select.select_option(label="Negotiation")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")

    _column(page, negotiation).locator(f"#card-{deal.pk}").wait_for()
    assert Deal.objects.get(pk=deal.pk).stage_id == negotiation.pk
    assert page.evaluate("document.activeElement.id") == f"move-{deal.pk}"  # focus stays
    assert page.script_errors == []


def test_a_lost_stage_asks_for_the_reason(board_page, sales) -> None:  # type: ignore[no-untyped-def]
    page = board_page
    deal = sales["deals"]["Umbrella Health: onboarding"]
    proposal, lost = sales["stages"]["Proposal"], sales["stages"]["Lost"]
    _open_board(page, sales)

    _drag(page, deal.pk, lost)
    dialog = page.get_by_role("dialog", name=re.compile("Why was Umbrella Health"))
    dialog.wait_for()
    dialog.get_by_role("button", name="Cancel").click()
    _column(page, proposal).locator(f"#card-{deal.pk}").wait_for()  # back where it was
    assert page.locator(f"#move-{deal.pk}").input_value() == str(proposal.pk)

    _drag(page, deal.pk, lost)
    dialog.get_by_label("Lost reason").fill("Chose a cheaper competitor")
    dialog.get_by_role("button", name="Mark as lost").click()
    page.locator("#save-state").get_by_text("Saved").wait_for()
    _column(page, lost).locator(f"#card-{deal.pk}").wait_for()
    deal.refresh_from_db()
    assert (deal.stage_id, deal.lost_reason) == (lost.pk, "Chose a cheaper competitor")
    assert page.script_errors == []


def test_a_stale_card_goes_back_and_the_board_says_so(board_page, sales) -> None:  # type: ignore[no-untyped-def]
    page = board_page
    deal = sales["deals"]["Initech: 200 seats"]
    needs, won = sales["stages"]["Needs analysis"], sales["stages"]["Won"]
    _open_board(page, sales)
    Deal.objects.filter(pk=deal.pk).update(version=deal.version + 1)  # someone saved meanwhile

    _drag(page, deal.pk, won)

    page.get_by_text("Someone changed this deal; the board was refreshed.").wait_for()
    assert _column(page, needs).locator(f"#card-{deal.pk}").count() == 1
    assert Deal.objects.get(pk=deal.pk).stage_id == needs.pk
    assert page.script_errors == []


def test_edit_a_deals_amount_in_place(page, sales) -> None:  # type: ignore[no-untyped-def]
    deal = sales["deals"]["Stark Logistics: expansion"]
    owner = sales["owner"]
    pepper = create_contact(
        owner,
        {
            "first_name": "Pepper",
            "last_name": "Potts",
            "job_title": "COO",
            "company_id": sales["firms"]["Stark Logistics"].pk,
            "emails": [{"email": "pepper@stark.example.com"}],
        },
    )
    call = {"deal_id": deal.pk, "subject": "Pricing call", "direction": "outbound",
            "body": "Wants a three-year term.", "duration_seconds": 1800}  # fmt: skip
    create_activity(owner, "call", call)
    sign_in(page, sales["admin"].email, PASSWORD)
    page.goto(f"/deals/{deal.pk}")
    page.wait_for_load_state("networkidle")
    page.get_by_label("Contact to add").fill("pepper@stark.example.com")
    page.locator("#deal-contact-role").select_option("decision_maker")
    page.get_by_role("button", name="Add contact").click()
    page.locator("#deal-contacts").get_by_role("link", name="Pepper Potts").wait_for()

    page.get_by_role("button", name="Edit Amount").click()
    page.locator("#field-amount").fill("132500")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator("#save-state").get_by_text("Saved").wait_for()
    page.locator(".deal-amount").get_by_text("$132,500.00").wait_for()  # the header refreshed
    deal.refresh_from_db()
    assert str(deal.amount) == "132500.00"
    assert list(deal.deal_contacts.values_list("contact_id", "role")) == [
        (pepper.pk, "decision_maker")
    ]
    page.locator("#timeline-items").get_by_text("Pricing call").wait_for()
    screenshot(page, "deal-record")
    assert page.script_errors == []


def test_the_board_fits_a_phone_and_scrolls_sideways(browser, live_server, sales) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 740})
    phone = context.new_page()
    sign_in(phone, sales["admin"].email, PASSWORD)
    phone.goto("/deals/board")
    phone.wait_for_load_state("networkidle")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    board = phone.locator(".board")
    assert board.evaluate("el => el.scrollWidth > el.clientWidth")  # the columns scroll
    board.evaluate("el => { el.scrollLeft = el.scrollWidth; }")
    won = sales["stages"]["Won"]
    phone.locator(f"#column-{won.pk}").scroll_into_view_if_needed()
    assert (
        phone.locator(f"#column-{won.pk}")
        .get_by_role("link", name="Globex: support plan")
        .is_visible()
    )
    context.close()
