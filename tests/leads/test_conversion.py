"""Converting a lead: company matched by email domain (or chosen, or created), the contact moved
on, a deal created; all in one transaction, on the timeline, and undoable."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.activities.queries import timeline
from rapport.companies.models import Company
from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, update_contact
from rapport.core.errors import Conflict, Forbidden, Invalid
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.models import Deal, DealContact
from rapport.leads.models import LeadConversion
from rapport.leads.services import convert_lead, undo_conversion
from tests.conftest import api_client_for, make_member

pytestmark = pytest.mark.django_db


def _lead(owner: Any, email: str = "ada@acme.io", **fields: Any) -> Contact:
    return create_contact(
        owner, {"first_name": "Ada", "last_name": "Byron", "emails": [{"email": email}],
                "lead_status": "connected", "lifecycle_stage": "lead", **fields},
    )  # fmt: skip


def _state() -> tuple[Any, ...]:
    return (
        list(Contact.objects.order_by("pk").values()),
        list(Company.objects.order_by("pk").values()),
        list(Deal.objects.order_by("pk").values()),
        LeadConversion.objects.count(),
        AuditEntry.objects.count(),
    )


def test_converting_links_the_company_its_domain_matches_and_creates_a_deal(owner: Any) -> None:
    acme = create_company(owner, {"name": "Acme", "domains": ["acme.io"]})
    lead = _lead(owner)
    conversion = convert_lead(owner, lead.pk, {"deal": {"amount": "9000"}})
    lead.refresh_from_db()
    assert (lead.company_id, lead.lifecycle_stage, lead.lead_status) == (
        acme.pk,
        "opportunity",
        "qualified",
    )
    deal = Deal.objects.get()
    assert (deal.name, deal.company_id, str(deal.amount)) == ("Ada Byron deal", acme.pk, "9000.00")
    assert list(DealContact.objects.values_list("contact_id", "role", "is_primary")) == [
        (lead.pk, "decision_maker", True)
    ]
    assert (conversion.company_id, conversion.deal_id, conversion.created_company) == (
        acme.pk,
        deal.pk,
        False,
    )
    event = OutboxEvent.objects.get(name="contact.converted")
    assert event.payload == {"conversion_id": conversion.pk, "company_id": acme.pk,
                             "created_company": False, "deal_id": deal.pk}  # fmt: skip
    items = timeline(owner, "contact", lead.pk, kinds=["change"]).items
    assert items[0].change is not None and items[0].change.action == "convert"


def test_several_matching_companies_need_a_choice(owner: Any) -> None:
    first = create_company(owner, {"name": "Acme EU", "domains": ["acme.io"]})
    create_company(owner, {"name": "Acme US", "domains": ["acme.io"]})
    lead = _lead(owner)
    before = _state()
    with pytest.raises(Invalid) as caught:
        convert_lead(owner, lead.pk, {"deal": {}})
    assert caught.value.errors[0].loc == ("company_id",)
    assert "choose one of Acme EU, Acme US" in caught.value.errors[0].msg
    assert _state() == before
    convert_lead(owner, lead.pk, {"company_id": first.pk, "deal": None})
    lead.refresh_from_db()
    assert (lead.company_id, lead.lifecycle_stage, Deal.objects.count()) == (
        first.pk,
        "sales_qualified",
        0,
    )


def test_a_new_company_takes_the_leads_business_domain(owner: Any) -> None:
    lead = _lead(owner, email="grace@navy.mil")
    convert_lead(owner, lead.pk, {"new_company": {"name": "US Navy"}, "deal": {"name": "Cobol"}})
    company = Company.objects.get()
    assert (company.name, list(company.domains.values_list("domain", flat=True))) == (
        "US Navy",
        ["navy.mil"],
    )


def test_free_mail_domains_match_no_company(owner: Any) -> None:
    create_company(owner, {"name": "Google", "domains": ["gmail.com"]})
    lead = _lead(owner, email="someone@gmail.com")
    convert_lead(owner, lead.pk, {})
    lead.refresh_from_db()
    assert lead.company_id is None


def test_a_bad_deal_rolls_back_the_whole_conversion(owner: Any) -> None:
    lead = _lead(owner)
    before = _state()
    with pytest.raises(Invalid) as caught:
        convert_lead(owner, lead.pk, {"new_company": {"name": "Acme"}, "deal": {"amount": "-1"}})
    assert caught.value.errors[0].loc == ("deal", "amount")
    assert _state() == before


def test_undo_puts_everything_back(owner: Any) -> None:
    lead = _lead(owner)
    conversion = convert_lead(owner, lead.pk, {"new_company": {"name": "Acme"}, "deal": {}})
    undone = undo_conversion(owner, conversion.pk)
    lead.refresh_from_db()
    assert (lead.company_id, lead.lifecycle_stage, lead.lead_status) == (None, "lead", "connected")
    assert Deal.objects.get().deleted_at is not None
    assert Company.objects.get().deleted_at is not None
    assert undone.undone_at is not None
    with pytest.raises(Conflict):
        undo_conversion(owner, conversion.pk)
    actions = list(AuditEntry.objects.filter(object_type="contact", object_id=lead.pk)
                   .order_by("pk").values_list("action", flat=True))  # fmt: skip
    assert actions == ["create", "update", "convert", "update", "undo_convert"]


def test_undo_keeps_a_created_company_that_others_now_use(owner: Any) -> None:
    lead = _lead(owner)
    conversion = convert_lead(owner, lead.pk, {"new_company": {"name": "Acme"}})
    company = Company.objects.get()
    create_contact(owner, {"first_name": "Bob", "company_id": company.pk})
    undo_conversion(owner, conversion.pk)
    assert Company.objects.get().deleted_at is None


def test_a_rep_converts_only_leads_they_may_edit(workspace: Any, owner: Any) -> None:
    lead = _lead(owner)
    _, rep = make_member(workspace, "sales_rep")
    before = _state()
    with pytest.raises(Forbidden):
        convert_lead(rep, lead.pk, {"deal": {}})
    assert _state() == before


def test_unqualified_needs_a_reason_which_goes_when_requalified(owner: Any) -> None:
    lead = _lead(owner)
    with pytest.raises(Invalid) as caught:
        update_contact(owner, lead.pk, {"lead_status": "unqualified"})
    assert caught.value.errors[0].loc == ("unqualified_reason",)
    update_contact(
        owner, lead.pk, {"lead_status": "unqualified", "unqualified_reason": "No budget"}
    )
    update_contact(owner, lead.pk, {"lead_status": "new"})
    lead.refresh_from_db()
    assert (lead.lead_status, lead.unqualified_reason) == ("new", "")


def test_the_api_converts_with_if_match_and_undoes(owner: Any, other_workspace: Any) -> None:
    from tests.conftest import owner_principal

    api = api_client_for(owner)
    create_company(owner, {"name": "Acme", "domains": ["acme.io"]})
    lead = _lead(owner)
    url = f"/api/v1/contacts/{lead.pk}"
    options = api.get(f"{url}/conversion-options").json()
    assert [m["name"] for m in options["matches"]] == ["Acme"]
    assert api.post(f"{url}/convert", {"deal": {}}).status_code == 428
    stranger = api_client_for(owner_principal(other_workspace))
    assert stranger.post(f"{url}/convert", {}, **{"If-Match": f'"{lead.pk}-1"'}).status_code == 404
    created = api.post(
        f"{url}/convert", {"deal": {"amount": "10"}}, **{"If-Match": f'"{lead.pk}-1"'}
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["deal_id"] == Deal.objects.get().pk
    assert stranger.post(f"/api/v1/lead-conversions/{body['id']}/undo").status_code == 404
    undone = api.post(f"/api/v1/lead-conversions/{body['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    bad = api.post(f"{url}/convert", {"deal": {"amount": "x"}}, **{"If-Match": f'"{lead.pk}-4"'})
    assert bad.status_code == 422
