"""The lead inbox and the convert page: tabs, status changes in place, conversion and undo,
rights and a second workspace."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.deals.models import Deal, Stage
from rapport.leads.models import LeadConversion
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _lead(owner: Any, name: str, **fields: Any) -> Contact:
    return create_contact(owner, {"first_name": name, "lifecycle_stage": "lead", **fields})


def test_the_inbox_shows_my_open_leads_by_status(workspace: Any, owner: Any) -> None:
    _lead(owner, "Ada", lead_status="new")
    _lead(owner, "Bob", lead_status="connected")
    _lead(owner, "Cy", lead_status="unqualified", unqualified_reason="Student")
    create_contact(owner, {"first_name": "Dee", "lifecycle_stage": "customer"})
    _, rep = make_member(workspace, "sales_rep")
    _lead(rep, "Rep's own")
    client = owner_client(workspace)
    page = client.get("/leads").content.decode()
    shown = [name for name in ("Ada", "Bob", "Cy", "Dee", "Rep&#x27;s own") if name in page]
    assert shown == ["Ada", "Bob"]
    connected = client.get("/leads?status=connected").content.decode()
    assert ("Bob" in connected, "Ada" in connected) == (True, False)
    everyone = client.get("/leads?owner=all&status=new").content.decode()
    assert "Rep&#x27;s own" in everyone and "Bob" not in everyone


def test_the_inbox_reads_a_fixed_number_of_queries(workspace: Any, owner: Any) -> None:
    company = create_company(owner, {"name": "Acme"})
    _lead(owner, "One", company_id=company.pk)
    client = owner_client(workspace)
    few = page_queries(client, "/leads")
    for n in range(8):
        _lead(owner, f"More {n}", company_id=company.pk)
    assert page_queries(client, "/leads") == few


def test_status_changes_in_place_and_unqualified_needs_a_reason(workspace: Any, owner: Any) -> None:
    lead = _lead(owner, "Ada", lead_status="new")
    client = owner_client(workspace)
    prefix = f"lead-{lead.pk}"
    bad = client.post(f"/leads/{lead.pk}/status", {f"{prefix}-lead_status": "unqualified"})
    assert bad.status_code == 422
    assert "Say why the lead is unqualified." in bad.content.decode()
    ok = client.post(
        f"/leads/{lead.pk}/status",
        {f"{prefix}-lead_status": "unqualified", f"{prefix}-unqualified_reason": "No budget"},
    )
    assert ok.status_code == 200
    lead.refresh_from_db()
    assert (lead.lead_status, lead.unqualified_reason) == ("unqualified", "No budget")


def test_convert_page_creates_company_and_deal_then_undo(workspace: Any, owner: Any) -> None:
    lead = _lead(owner, "Ada", emails=[{"email": "ada@acme.io"}])
    client = owner_client(workspace)
    page = client.get(f"/contacts/{lead.pk}/convert").content.decode()
    assert 'value="acme.io"' in page and 'value="new" checked' in page
    stage = Stage.objects.get(pipeline__workspace=workspace, name="Proposal")
    response = client.post(
        f"/contacts/{lead.pk}/convert",
        {"version": 1, "company": "new", "new_company_name": "Acme",
         "new_company_domain": "acme.io", "create_deal": "on", "deal_name": "Acme pilot",
         "stage_id": stage.pk, "amount": "2500",
         "currency": "USD", "role": "champion", "lifecycle_stage": "opportunity"},
    )  # fmt: skip
    conversion = LeadConversion.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/lead-conversions/{conversion.pk}"
    )
    deal = Deal.objects.get()
    assert (deal.name, deal.stage_id, str(deal.amount)) == ("Acme pilot", stage.pk, "2500.00")
    assert "Undo the conversion" in client.get(response["Location"]).content.decode()
    undone = client.post(f"/lead-conversions/{conversion.pk}/undo")
    assert undone.status_code == 302
    assert Deal.objects.get().deleted_at is not None


def test_convert_errors_keep_what_was_typed(workspace: Any, owner: Any) -> None:
    lead = _lead(owner, "Ada")
    client = owner_client(workspace)
    client.get(f"/contacts/{lead.pk}/convert")
    response = client.post(
        f"/contacts/{lead.pk}/convert",
        {"version": 1, "company": "none", "create_deal": "on", "deal_name": "Typed name",
         "amount": "12.345", "currency": "usd", "role": "user", "lifecycle_stage": "opportunity"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.content.decode()
    assert 'value="Typed name"' in page and 'value="12.345"' in page
    assert not Deal.objects.exists() and not LeadConversion.objects.exists()


def test_read_only_and_strangers_cannot_convert(workspace: Any, owner: Any) -> None:
    lead = _lead(owner, "Ada")
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)
    assert "Convert</a>" not in client.get("/leads?owner=all").content.decode()
    form = {"version": 1, "company": "none", "role": "user", "lifecycle_stage": "opportunity"}
    refused = client.post(f"/contacts/{lead.pk}/convert", form)
    assert refused.status_code == 403
    stranger = owner_client(make_workspace("Other"))
    assert stranger.get(f"/contacts/{lead.pk}/convert").status_code == 404
    assert stranger.post(f"/leads/{lead.pk}/status", {}).status_code == 404
    assert not LeadConversion.objects.exists()
    assert owner_principal(workspace).workspace_id == lead.workspace_id
