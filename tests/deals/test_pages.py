"""The deal pages: the list (columns, filters, bulk), a deal's page (in-place edits, the stage bar,
contacts with roles, stage history), the new-deal form, and the "Deals" section of companies and
contacts. As owner, sales rep, read-only, and from another workspace."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.customfields.services import create_custom_field
from rapport.deals.models import Deal, DealContact, Stage
from rapport.deals.services import (
    create_deal,
    create_pipeline,
    ensure_default_pipeline,
    update_deal,
)
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _stage(principal: Any, name: str) -> Stage:
    return ensure_default_pipeline(principal.workspace_id).stages.get(name=name)


def _state() -> tuple[list[Any], list[Any], int]:
    return (
        list(Deal.objects.order_by("pk").values()),
        list(DealContact.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def rep(workspace: Any) -> tuple[Any, Any]:
    return make_member(workspace, "sales_rep", full_name="Rita Rep")


# --- The list -----------------------------------------------------------------------------------


def test_list_shows_this_workspaces_deals_escaped_in_fixed_queries(workspace, owner) -> None:
    create_deal(owner_principal(make_workspace("Globex")), {"name": "Hidden Elsewhere"})
    acme = create_company(owner, {"name": "Acme"})
    create_deal(
        owner,
        {
            "name": "<b>Bold</b>",
            "amount": "1234.5",
            "currency": "EUR",
            "company_id": acme.pk,
            "tags": ["vip"],
        },
    )
    client = owner_client(workspace)
    few = page_queries(client, "/deals")
    for n in range(10):
        firm = create_company(owner, {"name": f"Firm {n}"})
        create_deal(
            owner, {"name": f"Deal {n}", "amount": "10", "company_id": firm.pk, "tags": [f"t{n}"]}
        )

    html = client.get("/deals").content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "Elsewhere" not in html
    assert "€1,234.50" in html and f'<a href="/companies/{acme.pk}">Acme</a>' in html
    assert '<span class="stage-badge stage-open">Qualification</span>' in html
    assert page_queries(client, "/deals") == few


def test_empty_list_tells_a_new_user_what_to_do(workspace) -> None:
    html = owner_client(workspace).get("/deals").content.decode()
    assert "No deals yet" in html and 'href="/deals/new"' in html and "Settings → Pipelines" in html


def test_filters_sort_and_columns_come_from_the_url(workspace, owner) -> None:
    create_custom_field(owner, object_type="deal", key="score", label="Score", field_type="integer")
    create_deal(owner, {"name": "Beta", "amount": "100", "custom": {"score": 7}})
    create_deal(owner, {"name": "Alpha", "amount": "900", "custom": {"score": 3}})
    client = owner_client(workspace)

    html = client.get(
        "/deals",
        {"f_field": ["custom.score"], "f_op": ["gte"], "f_value": ["5"], "col": ["custom.score"]},
    ).content.decode()
    assert "Beta" in html and "Alpha" not in html and ">Score<" in html and ">7<" in html
    by_amount = client.get("/deals", {"sort": "-amount"}).content.decode()
    assert by_amount.index("Alpha") < by_amount.index("Beta")
    won = client.get("/deals", {"filter": "stage_kind:eq:won"}).content.decode()
    assert "No deals match these filters" in won
    bad = client.get("/deals", {"filter": "amount:gt:lots"})
    assert bad.status_code == 200 and "not a valid" in bad.content.decode()


def test_bulk_move_to_a_lost_stage_needs_the_reason(workspace, owner) -> None:
    a = create_deal(owner, {"name": "A"})
    b = create_deal(owner, {"name": "B"})
    lost = _stage(owner, "Lost")
    client = owner_client(workspace)
    before = _state()

    refused = client.post(
        "/deals/bulk",
        {"ids": [a.pk, b.pk], "action": "stage", "stage_id": lost.pk, "lost_reason": ""},
        follow=True,
    )
    assert "Nothing was changed. Say why the deal was lost." in refused.content.decode()
    assert _state() == before

    done = client.post(
        "/deals/bulk",
        {"ids": [a.pk, b.pk], "action": "stage", "stage_id": lost.pk, "lost_reason": "Budget cut"},
        follow=True,
    )
    assert "2 deals updated." in done.content.decode()
    assert set(Deal.objects.values_list("stage_id", "lost_reason", "forecast_category")) == {
        (lost.pk, "Budget cut", "omitted")
    }


def test_bulk_owner_tag_and_delete_all_or_nothing(workspace, owner, rep) -> None:
    rep_user, rep_principal = rep
    theirs = create_deal(owner, {"name": "Owner's"})
    mine = create_deal(rep_principal, {"name": "Rep's", "tags": ["old"]})
    rep_client = signed_in(rep_user)
    before = _state()
    rep_client.post("/deals/bulk", {"ids": [mine.pk, theirs.pk], "action": "add_tag", "tag": "vip"})
    assert _state() == before  # one denied deal changes nothing

    owner_client(workspace).post(
        "/deals/bulk", {"ids": [theirs.pk], "action": "owner", "owner_id": rep_user.pk}
    )
    rep_client.post("/deals/bulk", {"ids": [mine.pk, theirs.pk], "action": "add_tag", "tag": "vip"})
    assert sorted(mine.tags.values_list("name", flat=True)) == ["old", "vip"]
    assert list(theirs.tags.values_list("name", flat=True)) == ["vip"]
    rep_client.post("/deals/bulk", {"ids": [mine.pk], "action": "delete"})
    assert Deal.objects.get(pk=mine.pk).deleted_at is not None


def test_export_goes_to_the_api_with_the_lists_filters(workspace, owner) -> None:
    deal = create_deal(owner, {"name": "Export me"})
    client = owner_client(workspace)
    html = client.get("/deals", {"filter": "name:contains:Export"}).content.decode()
    assert 'href="/api/v1/deals/export?filter=name%3Acontains%3AExport&amp;sort="' in html
    picked = client.post("/deals/bulk", {"ids": [deal.pk], "action": "export"})
    assert picked["Location"] == f"/api/v1/deals/export?filter=id%3Ain%3A{deal.pk}"


# --- A deal's page ------------------------------------------------------------------------------


def test_the_record_page_shows_header_stage_bar_contacts_and_history(workspace, owner) -> None:
    acme = create_company(owner, {"name": "Acme"})
    ada = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    deal = create_deal(
        owner,
        {
            "name": "Acme renewal",
            "amount": "1200",
            "company_id": acme.pk,
            "contacts": [{"contact_id": ada.pk, "role": "champion"}],
        },
    )
    update_deal(owner, deal.pk, {"stage_id": _stage(owner, "Proposal").pk})

    html = owner_client(workspace).get(f"/deals/{deal.pk}").content.decode()

    assert "<h1>Acme renewal</h1>" in html and "$1,200.00" in html
    assert f'<a href="/companies/{acme.pk}">Acme</a>' in html
    assert 'aria-current="step"' in html and 'aria-label="Move to Negotiation"' in html
    assert f'<a href="/contacts/{ada.pk}">Ada Lovelace</a>' in html
    assert '<option value="champion" selected>Champion</option>' in html
    assert html.count('<li class="stay') == 2  # Qualification, then Proposal (current)
    assert f'hx-get="/activities/timeline?deal={deal.pk}"' in html
    history = owner_client(workspace).get(f"/deals/{deal.pk}/history").content.decode()
    assert "Stage id" in history


def test_inline_edit_of_amount_and_a_custom_field_with_errors_in_place(workspace, owner) -> None:
    create_custom_field(owner, object_type="deal", key="score", label="Score", field_type="integer")
    deal = create_deal(owner, {"name": "Edit me", "amount": "100"})
    client = owner_client(workspace)

    saved = client.post(
        f"/deals/{deal.pk}/fields/amount",
        {"version": 1, "original": '"100.00"', "amount": "2500.50"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 200 and saved["HX-Trigger"] == "record-changed"
    custom = client.post(
        f"/deals/{deal.pk}/fields/custom.score",
        {"version": 2, "original": "null", "custom__score": "9"},
        HTTP_HX_REQUEST="true",
    )
    assert custom.status_code == 200 and ">9<" in custom.content.decode()
    bad = client.post(
        f"/deals/{deal.pk}/fields/amount",
        {"version": 3, "original": '"2500.50"', "amount": "-4"},
        HTTP_HX_REQUEST="true",
    )
    assert bad.status_code == 422 and "Enter zero or more." in bad.content.decode()
    assert 'value="-4"' in bad.content.decode()
    deal.refresh_from_db()
    assert (str(deal.amount), deal.custom, deal.version) == ("2500.50", {"score": 9}, 3)


def test_a_conflicting_edit_shows_both_values(workspace, owner) -> None:
    deal = create_deal(owner, {"name": "Contested", "next_step": "Call"})
    update_deal(owner, deal.pk, {"next_step": "Email"})  # someone else saves first
    response = owner_client(workspace).post(
        f"/deals/{deal.pk}/fields/next_step",
        {"version": 1, "original": '"Call"', "next_step": "Visit"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 409 and "Email" in html and 'value="Visit"' in html
    deal.refresh_from_db()
    assert deal.next_step == "Email"


def test_company_is_picked_by_name_and_pipeline_changes_the_stage(workspace, owner) -> None:
    acme = create_company(owner, {"name": "Acme"})
    deal = create_deal(owner, {"name": "Pick"})
    client = owner_client(workspace)
    picked = client.post(
        f"/deals/{deal.pk}/fields/company_id",
        {"version": 1, "original": "null", "company_id": "acme"},
        HTTP_HX_REQUEST="true",
    )
    assert picked.status_code == 200
    unknown = client.post(
        f"/deals/{deal.pk}/fields/company_id",
        {"version": 2, "original": str(acme.pk), "company_id": "Nobody"},
        HTTP_HX_REQUEST="true",
    )
    assert unknown.status_code == 422 and "No company has that name." in unknown.content.decode()
    deal.refresh_from_db()
    assert deal.company_id == acme.pk
    assert client.get(f"/deals/{deal.pk}/fields/stage_id/edit").status_code == 404

    renewals = create_pipeline(owner, {"name": "Renewals"})
    moved = client.post(
        f"/deals/{deal.pk}/fields/pipeline_id",
        {"version": 2, "original": f'"{deal.pipeline_id}"', "pipeline_id": str(renewals.pk)},
        HTTP_HX_REQUEST="true",
    )
    assert moved.status_code == 200 and "Renewals" in moved.content.decode()
    deal.refresh_from_db()
    assert (deal.pipeline_id, deal.stage.name) == (renewals.pk, "Qualification")


def test_the_stage_bar_moves_and_a_lost_stage_needs_a_reason(workspace, owner) -> None:
    deal = create_deal(owner, {"name": "Bar"})
    client = owner_client(workspace)
    negotiation, lost = _stage(owner, "Negotiation"), _stage(owner, "Lost")

    moved = client.post(
        f"/deals/{deal.pk}/move", {"stage_id": negotiation.pk, "version": 1}, follow=True
    )
    assert "Moved to Negotiation." in moved.content.decode()
    before = _state()
    refused = client.post(
        f"/deals/{deal.pk}/move",
        {"stage_id": lost.pk, "version": 2, "lost_reason": " "},
        follow=True,
    )
    assert "Not moved. Say why the deal was lost." in refused.content.decode()
    stale = client.post(
        f"/deals/{deal.pk}/move",
        {"stage_id": lost.pk, "version": 1, "lost_reason": "Late"},
        follow=True,
    )
    assert "Someone changed this deal meanwhile" in stale.content.decode()
    assert _state() == before
    client.post(
        f"/deals/{deal.pk}/move",
        {"stage_id": lost.pk, "version": 2, "lost_reason": "Went with a rival"},
    )
    deal.refresh_from_db()
    assert (deal.stage_id, deal.lost_reason, deal.closed_on is not None) == (
        lost.pk,
        "Went with a rival",
        True,
    )


def test_delete_moves_the_deal_to_the_restore_bin(workspace, owner) -> None:
    deal = create_deal(owner, {"name": "Gone"})
    response = owner_client(workspace).post(f"/deals/{deal.pk}/delete")
    deal.refresh_from_db()
    assert response["Location"] == "/deals" and deal.deleted_at is not None


# --- A new deal ---------------------------------------------------------------------------------


def test_new_deal_defaults_and_keeps_what_was_typed(workspace, owner) -> None:
    workspace.default_currency = "EUR"
    workspace.save(update_fields=["default_currency"])
    client = owner_client(workspace)
    form = client.get("/deals/new").content.decode()
    qualification = _stage(owner, "Qualification")
    assert f'<option value="{qualification.pk}" selected>Qualification</option>' in form
    assert 'name="currency" id="field-currency" value="EUR"' in form

    bad = client.post(
        "/deals/new",
        {
            "name": "Big",
            "amount": "lots",
            "currency": "EUR",
            "stage_id": qualification.pk,
            "company_id": "Nobody",
        },
    )
    html = bad.content.decode()
    assert bad.status_code == 422 and not Deal.objects.exists()
    assert 'value="Big"' in html and 'value="lots"' in html and "No company has that name." in html

    acme = create_company(owner, {"name": "Acme"})
    proposal = _stage(owner, "Proposal")
    ok = client.post(
        "/deals/new",
        {
            "name": "Big",
            "amount": "5000",
            "currency": "EUR",
            "stage_id": proposal.pk,
            "company_id": "Acme",
            "owner_id": owner.user_id,
            "forecast_category": "commit",
            "tags": "q4, new",
        },
    )
    deal = Deal.objects.get()
    assert ok["Location"] == f"/deals/{deal.pk}"
    assert (
        deal.stage_id,
        str(deal.amount),
        deal.currency,
        deal.company_id,
        deal.forecast_category,
    ) == (proposal.pk, "5000.00", "EUR", acme.pk, "commit")


# --- Roles and workspaces -----------------------------------------------------------------------


def test_a_sales_rep_edits_only_their_own_deals(workspace, owner, rep) -> None:
    rep_user, rep_principal = rep
    theirs = create_deal(owner, {"name": "Owner's"})
    mine = create_deal(rep_principal, {"name": "Rep's"})
    client = signed_in(rep_user)

    assert 'aria-label="Edit Amount"' in client.get(f"/deals/{mine.pk}").content.decode()
    other = client.get(f"/deals/{theirs.pk}").content.decode()
    assert 'aria-label="Edit Amount"' not in other and "/move" not in other
    before = _state()
    assert (
        client.post(
            f"/deals/{theirs.pk}/fields/name",
            {"version": 1, "original": '"Owner\'s"', "name": "Mine now"},
            HTTP_HX_REQUEST="true",
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/deals/{theirs.pk}/move", {"stage_id": _stage(owner, "Proposal").pk, "version": 1}
        ).status_code
        == 403
    )
    assert client.post(f"/deals/{theirs.pk}/delete").status_code == 403
    assert _state() == before


def test_read_only_users_get_no_write_controls_and_cannot_write(workspace, owner) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    deal = create_deal(
        owner, {"name": "Look only", "contacts": [{"contact_id": ada.pk, "role": "user"}]}
    )
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)

    page = client.get(f"/deals/{deal.pk}").content.decode()
    assert "Edit Amount" not in page and "Delete" not in page and "/move" not in page
    assert "Add contact" not in page
    listing = client.get("/deals").content.decode()
    assert "New deal" not in listing and "data-select-all" not in listing
    before = _state()
    assert client.get("/deals/new").status_code == 403
    assert client.post("/deals/new", {"name": "X"}).status_code == 403
    assert (
        client.post(
            f"/deals/{deal.pk}/move", {"stage_id": _stage(owner, "Proposal").pk, "version": 1}
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"/deals/{deal.pk}/contacts/{ada.pk}",
            {"version": 1, "action": "remove"},
            HTTP_HX_REQUEST="true",
        ).status_code
        == 403
    )
    assert client.post(f"/deals/{deal.pk}/delete").status_code == 403
    client.post("/deals/bulk", {"ids": [deal.pk], "action": "delete"})
    assert _state() == before


def test_another_workspaces_deal_is_not_found(workspace, owner) -> None:
    stranger = owner_principal(make_workspace("Globex"))
    theirs = create_deal(stranger, {"name": "Theirs"})
    their_company = create_company(stranger, {"name": "Globex"})
    client = owner_client(workspace)
    for path in (
        f"/deals/{theirs.pk}",
        f"/deals/{theirs.pk}/history",
        f"/deals/{theirs.pk}/fields/name/edit",
        f"/deals/related?company={their_company.pk}",
    ):
        assert client.get(path).status_code == 404, path
    before = _state()
    assert (
        client.post(
            f"/deals/{theirs.pk}/fields/name",
            {"version": 1, "original": '"Theirs"', "name": "Mine"},
            HTTP_HX_REQUEST="true",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/deals/{theirs.pk}/move", {"stage_id": theirs.stage_id, "version": 1}
        ).status_code
        == 404
    )
    assert client.post(f"/deals/{theirs.pk}/delete").status_code == 404
    assert _state() == before
