"""A deal's people and companies on the pages: contacts with roles on a deal's page (picked by
name or email), new deals started from a company or a contact, and the "Deals" section of
company and contact pages."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.deals.models import DealContact, Stage
from rapport.deals.services import create_deal, ensure_default_pipeline, update_deal
from tests.conftest import make_workspace, owner_principal
from tests.page_clients import owner_client

pytestmark = pytest.mark.django_db


def _stage(principal: Any, name: str) -> Stage:
    return ensure_default_pipeline(principal.workspace_id).stages.get(name=name)


def test_contacts_are_added_by_email_given_roles_made_primary_and_removed(workspace, owner) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@acme.example"}]})
    bob = create_contact(owner, {"first_name": "Bob"})
    deal = create_deal(owner, {"name": "People"})
    client = owner_client(workspace)

    def post(path: str, data: dict[str, Any]) -> Any:
        return client.post(f"/deals/{deal.pk}/contacts{path}", data, HTTP_HX_REQUEST="true")

    assert post("", {"contact": "Ada <ada@acme.example>", "role": "champion"}).status_code == 200
    assert post("", {"contact": f"Bob (#{bob.pk})", "role": "user"}).status_code == 200
    unknown = post("", {"contact": "Nobody", "role": "user"})
    assert (
        unknown.status_code == 422
        and "Pick a contact from the suggestions" in unknown.content.decode()
    )
    assert 'value="Nobody"' in unknown.content.decode()
    post(f"/{bob.pk}", {"action": "role", "role": "economic_buyer"})
    post(f"/{bob.pk}", {"action": "primary"})
    rows = set(DealContact.objects.values_list("contact_id", "role", "is_primary"))
    assert rows == {(ada.pk, "champion", False), (bob.pk, "economic_buyer", True)}
    update_deal(owner, deal.pk, {"name": "People v2"})  # an edit elsewhere does not get in the way
    removed = post(f"/{ada.pk}", {"action": "remove"})
    assert removed.status_code == 200 and removed["HX-Trigger"] == "record-changed"
    assert list(DealContact.objects.values_list("contact_id", flat=True)) == [bob.pk]
    assert post(f"/{ada.pk}", {"action": "remove"}).status_code == 404  # no longer on the deal
    twice = post("", {"contact": f"Bob (#{bob.pk})", "role": "user"})
    assert twice.status_code == 422 and "already on the deal" in twice.content.decode()


def test_contact_suggestions_are_visible_contacts_by_name_or_email(workspace, owner) -> None:
    create_contact(
        owner,
        {"first_name": "Ada", "last_name": "Lovelace", "emails": [{"email": "ada@acme.example"}]},
    )
    bob = create_contact(owner, {"first_name": "Adam", "last_name": "<Smith>"})
    create_contact(owner_principal(make_workspace("Other")), {"first_name": "Adalbert"})
    html = (
        owner_client(workspace).get("/deals/contact-options", {"contact": "ada"}).content.decode()
    )
    assert 'value="Ada Lovelace &lt;ada@acme.example&gt;"' in html
    assert f'value="Adam &lt;Smith&gt; (#{bob.pk})"' in html
    assert "Adalbert" not in html


def test_new_deal_from_a_company_or_a_contact_is_prefilled(workspace, owner) -> None:
    acme = create_company(owner, {"name": "Acme"})
    ada = create_contact(owner, {"first_name": "Ada"})
    client = owner_client(workspace)
    from_company = client.get("/deals/new", {"company": acme.pk}).content.decode()
    assert 'name="company_id" id="field-company_id" value="Acme"' in from_company
    from_contact = client.get("/deals/new", {"contact": ada.pk}).content.decode()
    assert f'<input type="hidden" name="contact_id" value="{ada.pk}">' in from_contact
    stage = _stage(owner, "Qualification")
    client.post(
        "/deals/new",
        {
            "name": "Ada's deal",
            "stage_id": stage.pk,
            "currency": "USD",
            "contact_id": ada.pk,
            "contact_role": "champion",
        },
    )
    assert list(DealContact.objects.values_list("contact_id", "role", "is_primary")) == [
        (ada.pk, "champion", True)
    ]


def test_company_and_contact_pages_list_their_deals(workspace, owner) -> None:
    acme = create_company(owner, {"name": "Acme"})
    ada = create_contact(owner, {"first_name": "Ada"})
    create_deal(
        owner,
        {
            "name": "Acme deal",
            "company_id": acme.pk,
            "amount": "700",
            "contacts": [{"contact_id": ada.pk, "role": "user"}],
        },
    )
    create_deal(owner, {"name": "Unrelated"})
    client = owner_client(workspace)
    assert (
        f'hx-get="/deals/related?company={acme.pk}"'
        in client.get(f"/companies/{acme.pk}").content.decode()
    )
    assert (
        f'hx-get="/deals/related?contact={ada.pk}"'
        in client.get(f"/contacts/{ada.pk}").content.decode()
    )

    company = client.get("/deals/related", {"company": acme.pk}).content.decode()
    assert "Acme deal" in company and "Unrelated" not in company and "$700.00" in company
    assert f'href="/deals/new?company={acme.pk}"' in company
    contact = client.get("/deals/related", {"contact": ada.pk}).content.decode()
    assert "Acme deal" in contact and f'href="/deals/new?contact={ada.pk}"' in contact
