"""Sales in a real browser: convert a lead from the lead inbox, undo it, and read the forecast
page with a manager's override."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.deals.models import Deal
from rapport.deals.services import create_deal
from rapport.forecasts.periods import period_of
from rapport.forecasts.services import set_quotas
from rapport.leads.models import LeadConversion
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_convert_a_lead_from_the_inbox_and_undo_it(page: Any) -> None:
    workspace = make_workspace("Northwind")
    admin, principal = make_member(workspace, "admin", email="ada@northwind.example.com")
    acme = create_company(principal, {"name": "Acme Rockets", "domains": ["acme.example.com"]})
    lead = create_contact(principal, {
        "first_name": "Grace", "last_name": "Hopper", "lifecycle_stage": "lead",
        "lead_status": "connected", "emails": [{"email": "grace@acme.example.com"}],
    })  # fmt: skip
    sign_in(page, admin.email, PASSWORD)
    page.goto("/leads")
    row = page.locator(f"#lead-{lead.pk}")
    row.get_by_role("link", name="Convert").click()
    page.wait_for_url(f"**/contacts/{lead.pk}/convert")
    assert page.get_by_label("Acme Rockets (matches acme.example.com)").is_checked()
    page.get_by_label("Deal name").fill("Acme Rockets: pilot")
    page.get_by_label("Amount").fill("25000")
    page.get_by_role("button", name="Convert").click()
    page.get_by_text("Grace Hopper was converted.").wait_for()
    deal = Deal.objects.get(name="Acme Rockets: pilot")
    assert (deal.company_id, str(deal.amount)) == (acme.pk, "25000.00")
    page.get_by_role("link", name="Open the contact").click()
    page.wait_for_url(f"**/contacts/{lead.pk}")
    page.get_by_text("Converted").first.wait_for()  # on the timeline
    page.goto(f"/lead-conversions/{LeadConversion.objects.get().pk}")
    page.get_by_role("button", name="Undo the conversion").click()
    page.get_by_text("The conversion of Grace Hopper was undone.").wait_for()
    lead.refresh_from_db()
    assert (lead.lifecycle_stage, lead.company_id) == ("lead", None)
    assert Deal.objects.get().deleted_at is not None
    assert page.script_errors == []


def test_read_the_forecast_and_override_a_commit(page: Any) -> None:
    workspace = make_workspace("Northwind")
    owner = owner_principal(workspace)
    manager, _ = make_member(workspace, "manager", email="max@northwind.example.com")
    rita, _ = make_member(workspace, "sales_rep", email="rita@northwind.example.com",
                          full_name="Rita Rep")  # fmt: skip
    quarter = period_of("quarter", timezone.localdate())
    set_quotas(owner, [{"user_id": rita.pk, "month": m.strftime("%Y-%m"), "amount": "20000"}
                       for m in quarter.months])  # fmt: skip
    create_deal(owner, {"name": "Stark: expansion", "amount": "45000", "owner_id": rita.pk,
                        "expected_close_on": quarter.end.isoformat(),
                        "forecast_category": "commit"})  # fmt: skip
    sign_in(page, manager.email, PASSWORD)
    page.goto("/forecast")
    page.get_by_role("heading", name=f"Forecast · {quarter.label}").wait_for()
    row = page.get_by_role("row").filter(has_text="Rita Rep").last
    assert "$60,000.00" in row.inner_text()  # three months of quota
    assert "$45,000.00" in row.inner_text()  # her commit
    row.get_by_text("Override", exact=True).click()
    row.get_by_label("Commit for Rita Rep").fill("30000")
    row.get_by_label("Why").fill("Legal review will slip")
    row.get_by_role("button", name="Save").click()
    page.get_by_text("The override was saved.").wait_for()
    row = page.get_by_role("row").filter(has_text="Rita Rep").last
    assert "Legal review will slip" in row.inner_text()
    screenshot(page, "forecast")
    assert page.script_errors == []
