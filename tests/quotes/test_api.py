"""/api/v1/quotes and POST /api/v1/deals/{id}/quotes, contract-suite style: create, list with
filters, get, revise, send, PDF; rights follow the deal (a rep, a read-only role, a read-only
token change nothing); another workspace sees nothing."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.models import Deal
from rapport.deals.services import create_deal, set_line_items
from rapport.quotes.models import Quote, QuoteCounter
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.quotes.factories import make_quotable_deal

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any], list[Any], int, int]:
    return (
        list(Quote.objects.order_by("pk").values()),
        list(QuoteCounter.objects.order_by("pk").values()),
        list(Deal.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _create(api: Any, deal_id: int, **body: Any) -> dict[str, Any]:
    response = api.post(f"/api/v1/deals/{deal_id}/quotes", body)
    assert response.status_code == 201, response.content
    return response.json()


def test_create_get_revise_send_and_pdf(api, owner, settings) -> None:
    settings.BASE_URL = "https://crm.example.com"
    deal = make_quotable_deal(owner)
    response = api.post(f"/api/v1/deals/{deal.pk}/quotes", {"terms": "Net 30."})
    assert response.status_code == 201
    quote = response.json()
    assert response["Location"] == f"/api/v1/quotes/{quote['id']}"
    assert {k: quote[k] for k in ("deal_id", "version", "status", "currency", "terms",
                                  "subtotal", "tax", "total", "sent_to", "decision", "link")} == {
        "deal_id": deal.pk, "version": 1, "status": "draft", "currency": "EUR",
        "terms": "Net 30.", "subtotal": "2580.00", "tax": "216.00", "total": "2796.00",
        "sent_to": "", "decision": "", "link": None,
    }  # fmt: skip
    assert [i["name"] for i in quote["offer"]["items"]] == ["Pro seat", "Onboarding"]
    url = f"/api/v1/quotes/{quote['id']}"
    assert api.get(url).json() == quote

    refreshed = api.post(f"{url}/revise", {"terms": "Net 15."})
    assert (refreshed.status_code, refreshed.json()["id"], refreshed.json()["terms"]) == (
        200, quote["id"], "Net 15."
    )  # fmt: skip
    sent = api.post(f"{url}/send", {"message": "Here it is."})
    assert sent.status_code == 200, sent.content
    body = sent.json()
    assert (body["status"], body["sent_to"]) == ("sent", "alice@umbrella.example.com")
    assert body["link"].startswith("https://crm.example.com/q/")
    revised = api.post(f"{url}/revise", {"valid_until": body["valid_until"]})
    assert revised.status_code == 201
    assert (revised.json()["number"], revised.json()["version"]) == (quote["number"], 2)
    assert revised["Location"] == f"/api/v1/quotes/{revised.json()['id']}"
    assert api.get(url).json()["status"] == "superseded"
    assert api.post(f"{url}/send", {}).status_code == 409

    pdf = api.get(f"{url}/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    assert pdf["Content-Disposition"] == f'inline; filename="{quote["number"]}-v1.pdf"'
    assert pdf.content.startswith(b"%PDF-")


def test_creating_needs_line_items_and_valid_fields(api, owner) -> None:
    empty = create_deal(owner, {"name": "Empty", "currency": "EUR"})
    response = api.post(f"/api/v1/deals/{empty.pk}/quotes", {})
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["errors"][0]["loc"] == ["line_items"]
    set_line_items(owner, empty.pk, [{"name": "Work", "unit_price": "5"}])
    bad = api.post(f"/api/v1/deals/{empty.pk}/quotes", {"valid_until": "soon", "nope": 1})
    assert [(e["loc"], e["type"]) for e in bad.json()["errors"]] == [
        (["valid_until"], "date_from_datetime_parsing"), (["nope"], "extra_forbidden"),
    ]  # fmt: skip
    assert api.post("/api/v1/deals/999999/quotes", {}).status_code == 404
    assert not Quote.objects.exists()


def test_the_list_filters_by_deal_and_status_and_reads_a_fixed_number_of_queries(
    api, owner, django_assert_num_queries
) -> None:
    first, second = make_quotable_deal(owner), make_quotable_deal(owner)
    a = _create(api, first.pk)
    b = _create(api, second.pk)
    c = _create(api, second.pk)
    api.post(f"/api/v1/quotes/{c['id']}/send", {})
    page = api.get("/api/v1/quotes?fields=number,status").json()
    assert page["items"] == [
        {"id": c["id"], "number": c["number"], "status": "sent"},
        {"id": b["id"], "number": b["number"], "status": "draft"},
        {"id": a["id"], "number": a["number"], "status": "draft"},
    ]
    by_deal = api.get(f"/api/v1/quotes?filter=deal_id:eq:{second.pk}&filter=status:eq:draft")
    assert [q["id"] for q in by_deal.json()["items"]] == [b["id"]]
    assert api.get("/api/v1/quotes?filter=nope:eq:1").status_code == 422
    for _ in range(5):
        _create(api, first.pk)
    # The token, its rate counter, the page (quotes with their deals) and its total: the same
    # for 3 quotes or 8.
    with django_assert_num_queries(4):
        assert len(api.get("/api/v1/quotes?limit=50").json()["items"]) == 8


def test_rights_follow_the_deal_and_a_refusal_changes_nothing(api, owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    quote = _create(api, deal.pk)
    url = f"/api/v1/quotes/{quote['id']}"
    api.post(f"{url}/send", {})
    _, rep = make_member(workspace, "sales_rep")
    _, reader = make_member(workspace, "read_only")
    clients = (api_client_for(rep), api_client_for(reader), api_client_for(owner, False))
    before = _state()
    for client in clients:
        fetched = client.get(url)
        assert fetched.status_code == 200
        assert fetched.json()["link"] is None  # only for those who may edit the deal
        assert client.get(f"{url}/pdf").status_code == 200
        assert [q["id"] for q in client.get("/api/v1/quotes").json()["items"]] == [quote["id"]]
        assert client.post(f"/api/v1/deals/{deal.pk}/quotes", {}).status_code == 403
        assert client.post(f"{url}/revise", {}).status_code == 403
        assert client.post(f"{url}/send", {}).status_code == 403
    assert _state() == before


def test_another_workspace_sees_nothing(api, owner) -> None:
    deal = make_quotable_deal(owner)
    quote = _create(api, deal.pk)
    url = f"/api/v1/quotes/{quote['id']}"
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    before = _state()
    assert stranger.get(url).status_code == 404
    assert stranger.get(f"{url}/pdf").status_code == 404
    assert stranger.get("/api/v1/quotes").json()["items"] == []
    assert stranger.get(f"/api/v1/quotes?filter=deal_id:eq:{deal.pk}").json()["items"] == []
    assert stranger.post(f"/api/v1/deals/{deal.pk}/quotes", {}).status_code == 404
    assert stranger.post(f"{url}/revise", {}).status_code == 404
    assert stranger.post(f"{url}/send", {"to": "x@example.com"}).status_code == 404
    assert _state() == before


def test_a_deal_in_the_restore_bin_hides_its_quotes(api, owner) -> None:
    deal = make_quotable_deal(owner)
    quote = _create(api, deal.pk)
    assert api.delete(f"/api/v1/deals/{deal.pk}").status_code == 204
    assert api.get(f"/api/v1/quotes/{quote['id']}").status_code == 404
    assert api.get("/api/v1/quotes").json()["items"] == []
