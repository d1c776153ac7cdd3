"""The quote pages: a deal's Quotes panel (create, revise, send), a quote's page and PDF, and
the customer's page behind the link (accept, decline, refusals, CSRF, the rate limit)."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from django.test import Client

from rapport.deals.models import Deal
from rapport.quotes.links import LinkClaim, make_token, read_token
from rapport.quotes.models import Quote
from rapport.quotes.pages.public import LINK_REQUESTS_PER_MINUTE
from rapport.quotes.services import create_quote, revise_quote, send_quote
from tests.conftest import make_member
from tests.page_clients import owner_client, signed_in
from tests.quotes.factories import make_quotable_deal

pytestmark = pytest.mark.django_db


def _token(quote: Quote) -> str:
    quote.refresh_from_db()
    return make_token(quote.pk, quote.version, quote.link_nonce)


def test_the_deal_page_loads_the_quotes_panel_which_makes_and_sends_quotes(
    owner, workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    deal = make_quotable_deal(owner)
    client = owner_client(workspace)
    page = client.get(f"/deals/{deal.pk}").content.decode()
    assert f'hx-get="/quotes/panel?deal={deal.pk}"' in page
    assert 'id="deal-products"' in page and "Pro seat" in page
    panel = client.get(f"/quotes/panel?deal={deal.pk}").content.decode()
    assert "No quotes for this deal yet." in panel
    assert 'name="valid_until"' in panel

    bad = client.post(f"/deals/{deal.pk}/quotes", {"valid_until": "2001-01-01", "terms": "Net 30"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert "Choose a day from today to ten years from now." in html
    assert (
        'value="2001-01-01"' in html
        and ">Net 30</textarea>" in html
        and '<details class="quote-tool" open>' in html
    )

    made = client.post(f"/deals/{deal.pk}/quotes", {"valid_until": "", "terms": ""})
    assert made.status_code == 200
    quote = Quote.objects.get(deal=deal)
    assert f'<a href="/quotes/{quote.pk}">{quote.number} v1</a>' in made.content.decode()
    assert 'value="alice@umbrella.example.com"' in made.content.decode()  # the send form

    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/quotes/{quote.pk}/send", {"to": "cfo@umbrella.example.com",
                                                          "message": "Hi"})  # fmt: skip
    assert sent.status_code == 200
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "cfo@umbrella.example.com"
    assert "Sent" in sent.content.decode()

    refused = client.post(f"/quotes/{quote.pk}/send", {"to": "nope", "message": "typed"})
    assert refused.status_code == 422
    assert "Enter a valid email address." in refused.content.decode()
    assert ">typed</textarea>" in refused.content.decode()

    revised = client.post(f"/quotes/{quote.pk}/revise", {"valid_until": ""})
    assert revised.status_code == 200
    assert f"{quote.number} v2" in revised.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == "superseded"


def test_the_quote_page_shows_it_as_the_customer_will_and_its_pdf(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    quote = send_quote(owner, create_quote(owner, deal.pk, {"terms": "Net 30."}).pk, to="a@b.co")
    client = owner_client(workspace)
    html = client.get(f"/quotes/{quote.pk}").content.decode()
    assert f"Quote {quote.number}" in html and "€2,796.00" in html and "Net 30." in html
    # The customer's link, for the deal's editors (signed with a timestamp: read it back).
    (token,) = re.findall(r'/q/([^"<\s]+)', html)
    assert read_token(token) == LinkClaim(quote.pk, quote.version, quote.link_nonce)
    reader, _ = make_member(workspace, "read_only")
    as_reader = signed_in(reader).get(f"/quotes/{quote.pk}").content.decode()
    assert "€2,796.00" in as_reader and "/q/" not in as_reader
    pdf = client.get(f"/quotes/{quote.pk}/pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    panel = signed_in(reader).get(f"/quotes/panel?deal={deal.pk}").content.decode()
    assert "New quote" not in panel and "Send again" not in panel
    assert signed_in(reader).post(f"/deals/{deal.pk}/quotes", {}).status_code == 403
    assert Quote.objects.count() == 1


def test_the_customer_accepts_through_the_link_with_csrf(owner) -> None:
    deal = make_quotable_deal(owner)
    quote = send_quote(owner, create_quote(owner, deal.pk).pk)
    url = f"/q/{_token(quote)}"
    customer = Client(enforce_csrf_checks=True)
    page = customer.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Accept quote" in html and "€2,796.00" in html and "Umbrella Health" in html
    assert "Nemesis" not in html  # the deal's internal name stays inside
    assert page["Cache-Control"] == "no-store, private"
    assert customer.post(url, {"action": "accept", "name": "Alice"}).status_code == 403  # no token
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form: dict[str, Any] = {"csrfmiddlewaretoken": token, "action": "accept"}
    missing = customer.post(url, form | {"name": "", "comment": "Keep this"})
    assert missing.status_code == 422
    assert "Enter your name." in missing.content.decode()
    assert ">Keep this</textarea>" in missing.content.decode()
    done = customer.post(url, form | {"name": "Alice Abernathy", "comment": "Great"},
                         REMOTE_ADDR="198.51.100.7")  # fmt: skip
    assert done.status_code == 200
    assert "You accepted quote" in done.content.decode()
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.status, stored.decision_ip) == ("accepted", "198.51.100.7")
    assert Deal.objects.get(pk=deal.pk).stage.kind == "won"
    again = customer.get(url)
    assert again.status_code == 410
    assert "This quote was already answered" in again.content.decode()


def test_closed_links_say_why(owner) -> None:
    deal = make_quotable_deal(owner)
    quote = send_quote(owner, create_quote(owner, deal.pk).pk)
    url = f"/q/{_token(quote)}"
    revise_quote(owner, quote.pk)
    superseded = Client().get(url)
    assert superseded.status_code == 410
    assert "This quote was replaced" in superseded.content.decode()
    assert "€2,796.00" not in superseded.content.decode()
    tampered = Client().get(url[:-3] + "abc")
    assert tampered.status_code == 404
    assert "This quote link does not work" in tampered.content.decode()
    declined = Client().post(url, {"action": "decline", "name": "Alice"})
    assert declined.status_code == 410
    assert Quote.objects.get(pk=quote.pk).decision == ""


def test_the_link_pages_are_rate_limited_per_address(owner) -> None:
    left = 60 - time.time() % 60
    if left < 10:  # the counters' windows are whole minutes: start in a fresh one
        time.sleep(left + 0.1)
    client = Client()
    for _ in range(LINK_REQUESTS_PER_MINUTE):
        assert client.get("/q/guess").status_code == 404
    limited = client.get("/q/guess")
    assert limited.status_code == 429
    assert int(limited["Retry-After"]) >= 1
    assert client.get("/q/guess", REMOTE_ADDR="192.0.2.1").status_code == 404
