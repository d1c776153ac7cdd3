"""Quotes through the services: numbers, the frozen copy, revising, sending by email, the
customer's answer through the link, expiry, rights and tenancy."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core import signing
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.companies.services import update_company
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.models import Deal, LineItem
from rapport.deals.services import create_deal, set_line_items
from rapport.notifications.models import Notification
from rapport.quotes.links import SALT, LinkClaim, make_token, read_token
from rapport.quotes.models import Quote, QuoteCounter
from rapport.quotes.services import (
    accept_quote,
    create_quote,
    decline_quote,
    expire_quotes,
    find_quote_by_link,
    revise_quote,
    send_quote,
)
from rapport.quotes.services.quotes import today_in
from rapport.workspaces.models import Workspace
from tests.conftest import make_member, make_workspace, owner_principal
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


def _token(quote: Quote) -> str:
    return make_token(quote.pk, quote.version, quote.link_nonce)


def test_a_quote_freezes_the_deals_offer_and_gets_the_next_number(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    year = today_in(workspace).year
    until = today_in(workspace) + dt.timedelta(days=60)
    first = create_quote(owner, deal.pk, {"terms": "Net 30.", "valid_until": until.isoformat()})
    second = create_quote(owner, deal.pk)
    assert [(q.number, q.version, q.status) for q in (first, second)] == [
        (f"Q-{year}-0001", 1, "draft"), (f"Q-{year}-0002", 1, "draft"),
    ]  # fmt: skip
    assert (first.valid_until, second.valid_until) == (
        until,
        today_in(workspace) + dt.timedelta(days=30),
    )
    stored = Quote.objects.get(pk=first.pk)
    assert (stored.subtotal, stored.tax, stored.total, stored.currency, stored.terms) == (
        Decimal("2580.00"), Decimal("216.00"), Decimal("2796.00"), "EUR", "Net 30.",
    )  # fmt: skip
    assert stored.offer == {
        "seller": {"name": workspace.name, "contact": "", "email": owner.extra["label"]},
        "company": {"name": "Umbrella Health", "street": "1 Raccoon Street", "city": "Lyon",
                    "region": "", "postal_code": "69001", "country": "FR"},
        "contact": {"name": "Alice Abernathy", "job_title": "Head of IT",
                    "email": "alice@umbrella.example.com", "street": "", "city": "",
                    "region": "", "postal_code": "", "country": ""},
        "currency": "EUR",
        "items": [
            {"sku": "SEAT-PRO", "name": "Pro seat", "description": "", "quantity": "10",
             "unit": "seat", "unit_price": "120.00", "discount_percent": "10.00",
             "tax_rate": "20.00", "net": "1080.00", "tax": "216.00", "total": "1296.00"},
            {"sku": "ONB", "name": "Onboarding", "description": "Two days on site",
             "quantity": "1", "unit": "", "unit_price": "1500.00", "discount_percent": "0.00",
             "tax_rate": "0.00", "net": "1500.00", "tax": "0.00", "total": "1500.00"},
        ],
        "subtotal": "2580.00",
        "taxes": [{"rate": "0.00", "net": "1500.00", "tax": "0.00"},
                  {"rate": "20.00", "net": "1080.00", "tax": "216.00"}],
        "tax": "216.00",
        "total": "2796.00",
    }  # fmt: skip
    created = OutboxEvent.objects.filter(name="quote.created").order_by("pk")
    assert [e.payload["record"]["number"] for e in created] == [first.number, second.number]
    # Later edits of the deal, its lines and its company change no quote.
    set_line_items(owner, deal.pk, [])
    update_company(owner, deal.company_id, {"name": "Umbrella Corporation"})
    assert Quote.objects.get(pk=first.pk).offer == stored.offer


def test_numbers_count_per_workspace_and_are_never_reused(owner) -> None:
    deal = make_quotable_deal(owner)
    other = owner_principal(make_workspace("Globex"))
    theirs = make_quotable_deal(other)
    year = timezone.now().year
    mine = [create_quote(owner, deal.pk).number for _ in range(2)]
    assert create_quote(other, theirs.pk).number.endswith("-0001")
    # A failed creation (here: no line items) takes no number.
    empty = create_deal(owner, {"name": "Empty", "currency": "EUR"})
    with pytest.raises(Invalid) as exc:
        create_quote(owner, empty.pk)
    assert [(e.loc, e.msg) for e in exc.value.errors] == [
        (("line_items",), "This deal has no line items; add the products it sells first.")
    ]
    Quote.objects.filter(number=mine[1]).delete()  # even a number whose quote is gone
    assert create_quote(owner, deal.pk).number == f"Q-{year}-0003"
    assert mine == [f"Q-{year}-0001", f"Q-{year}-0002"]


def test_valid_until_and_terms_are_checked(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    before = _state()
    yesterday = today_in(workspace) - dt.timedelta(days=1)
    for data, loc in (({"valid_until": yesterday.isoformat()}, "valid_until"),
                      ({"valid_until": "31/12/2030"}, "valid_until"),
                      ({"terms": "x" * 10_001}, "terms")):  # fmt: skip
        with pytest.raises(Invalid) as exc:
            create_quote(owner, deal.pk, data)
        assert [e.loc for e in exc.value.errors] == [(loc,)]
    assert _state() == before


def test_revising_a_draft_refreshes_it_and_a_sent_one_gets_a_new_version(owner) -> None:
    deal = make_quotable_deal(owner)
    quote = create_quote(owner, deal.pk)
    lines = list(LineItem.objects.filter(deal=deal).order_by("position"))
    set_line_items(owner, deal.pk, [{"id": lines[0].pk, "quantity": 20}, {"id": lines[1].pk}])
    refreshed = revise_quote(owner, quote.pk, {"terms": "Net 15."})
    assert (refreshed.pk, refreshed.version, refreshed.terms) == (quote.pk, 1, "Net 15.")
    assert refreshed.total == Decimal("4092.00")  # 20 seats now
    send_quote(owner, quote.pk)
    old_token = _token(Quote.objects.get(pk=quote.pk))
    set_line_items(owner, deal.pk, [{"id": lines[1].pk}])
    new = revise_quote(owner, quote.pk)
    assert (new.number, new.version, new.status, new.terms) == (quote.number, 2, "draft", "Net 15.")
    assert new.total == Decimal("1500.00")
    old = Quote.objects.get(pk=quote.pk)
    assert (old.status, old.total) == ("superseded", Decimal("4092.00"))  # still readable
    assert find_quote_by_link(old_token).reason == "superseded"
    with pytest.raises(Conflict):
        revise_quote(owner, old.pk)
    assert accept_quote(old_token, {"name": "Alice"}).reason == "superseded"
    assert Quote.objects.get(pk=old.pk).status == "superseded"


def test_sending_emails_the_quote_with_its_pdf_and_link_and_logs_it(
    owner, workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks, settings
) -> None:
    settings.BASE_URL = "https://crm.example.com"
    deal = make_quotable_deal(owner)
    quote = create_quote(owner, deal.pk, {"terms": "Prices valid for 30 days."})
    with django_capture_on_commit_callbacks(execute=True):
        send_quote(owner, quote.pk, message="As discussed on Tuesday.")
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "alice@umbrella.example.com"
    assert message["Subject"] == f"Quote {quote.number} from {workspace.name}"
    text = smtp_server.body(message)
    assert "As discussed on Tuesday." in text
    assert "€2,796.00 including tax" in text
    (link,) = smtp_server.links(message)
    assert link.startswith("https://crm.example.com/q/")
    stored = Quote.objects.get(pk=quote.pk)  # the token is signed with a timestamp: read it back
    assert read_token(link.rsplit("/", 1)[1]) == LinkClaim(stored.pk, 1, stored.link_nonce)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"Quote {quote.number}" in html and "€1,080.00" in html and link in html
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"{quote.number}-v1.pdf"
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_content().startswith(b"%PDF-")
    sent = Quote.objects.get(pk=quote.pk)
    assert (sent.status, sent.sent_to, sent.sent_by_id) == (
        "sent",
        "alice@umbrella.example.com",
        owner.user_id,
    )
    activity = Activity.objects.get(deal=deal, kind="email")
    assert (activity.subject, activity.direction) == (
        f"Quote {quote.number} from {workspace.name}",
        "outbound",
    )
    event = OutboxEvent.objects.get(name="quote.sent")
    assert event.payload == {"deal_id": deal.pk, "number": quote.number, "version": 1,
                             "total": "2796.00", "currency": "EUR",
                             "to": "alice@umbrella.example.com"}  # fmt: skip


def test_sending_needs_an_address_an_open_quote_and_a_day_left(owner, workspace) -> None:
    deal = create_deal(owner, {"name": "No contact", "currency": "EUR"})
    set_line_items(owner, deal.pk, [{"name": "Work", "unit_price": "10"}])
    quote = create_quote(owner, deal.pk)
    before = _state()
    with pytest.raises(Invalid) as exc:
        send_quote(owner, quote.pk)
    assert exc.value.errors[0].loc == ("to",)
    with pytest.raises(Invalid):
        send_quote(owner, quote.pk, to="not an address")
    Quote.objects.filter(pk=quote.pk).update(valid_until=today_in(workspace) - dt.timedelta(1))
    with pytest.raises(Invalid) as exc:
        send_quote(owner, quote.pk, to="bob@example.com")
    assert exc.value.errors[0].loc == ("valid_until",)
    assert _state()[1:] == before[1:]


def test_accepting_through_the_link_wins_the_deal_and_tells_its_owner(workspace, owner) -> None:
    rep_user, rep = make_member(workspace, "sales_rep", full_name="Rita Rep")
    deal = make_quotable_deal(rep)
    quote = send_quote(rep, create_quote(rep, deal.pk).pk)
    token = _token(quote)
    assert find_quote_by_link(token).is_open
    with pytest.raises(Invalid) as exc:
        accept_quote(token, {"name": " ", "email": "nope"})
    assert [e.loc for e in exc.value.errors] == [("name",), ("email",)]
    state = accept_quote(token, {"name": "Alice Abernathy", "email": "Alice@Umbrella.example.com",
                                 "comment": "Looking forward!"}, "203.0.113.9")  # fmt: skip
    assert state.reason == "accepted"
    stored = Quote.objects.get(pk=quote.pk)
    assert (stored.status, stored.decision, stored.decision_name, stored.decision_email,
            stored.decision_comment, stored.decision_ip) == (
        "accepted", "accepted", "Alice Abernathy", "alice@umbrella.example.com",
        "Looking forward!", "203.0.113.9",
    )  # fmt: skip
    deal = Deal.objects.select_related("stage").get(pk=deal.pk)
    assert (deal.stage.kind, deal.forecast_category) == ("won", "closed")
    moved = AuditEntry.objects.filter(object_type="deal", object_id=deal.pk).latest("pk")
    assert (moved.actor_user_id, moved.actor_label) == (None, "Alice Abernathy (quote link)")
    assert OutboxEvent.objects.filter(name="deal.stage_changed", object_id=deal.pk,
                                      payload__kind="won").count() == 1  # fmt: skip
    decided = OutboxEvent.objects.get(name="quote.accepted")
    assert (decided.payload["name"], decided.payload["comment"]) == (
        "Alice Abernathy",
        "Looking forward!",
    )
    note = Notification.objects.get(user=rep_user, kind="quote")
    assert note.title == f"Alice Abernathy accepted quote {quote.number} ({deal.name})"
    assert note.url == f"/deals/{deal.pk}"
    # Answered: the link now says so and a second answer changes nothing.
    before = _state()
    assert decline_quote(token, {"name": "Mallory"}).reason == "accepted"
    assert _state() == before


def test_declining_keeps_the_stage_and_tells_the_owner(workspace, owner) -> None:
    deal = make_quotable_deal(owner)
    stage_id = deal.stage_id
    _, manager = make_member(workspace, "manager")
    Deal.objects.filter(pk=deal.pk).update(owner_id=manager.user_id)
    quote = send_quote(owner, create_quote(owner, deal.pk).pk)
    state = decline_quote(_token(quote), {"name": "Alice", "comment": "Too expensive."})
    assert state.reason == "declined"
    assert Deal.objects.get(pk=deal.pk).stage_id == stage_id
    assert Quote.objects.get(pk=quote.pk).decision == "declined"
    note = Notification.objects.get(user_id=manager.user_id, kind="quote")
    assert note.body == "Version 1, 2796.00 EUR. They wrote: Too expensive."


def test_links_refuse_tampering_drafts_expiry_and_binned_deals(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    draft = create_quote(owner, deal.pk)
    assert find_quote_by_link(_token(draft)).reason == "invalid"
    quote = send_quote(owner, draft.pk)
    token = _token(quote)
    forged = signing.dumps({"q": quote.pk, "v": quote.version, "n": "guess"}, salt=SALT)
    for bad in (token[:-2] + "xx", forged, "nonsense", signing.dumps({"q": quote.pk}, salt="x")):
        assert find_quote_by_link(bad).reason == "invalid"
    Quote.objects.filter(pk=quote.pk).update(valid_until=today_in(workspace) - dt.timedelta(1))
    assert find_quote_by_link(token).reason == "expired"
    assert accept_quote(token, {"name": "Alice"}).reason == "expired"
    Quote.objects.filter(pk=quote.pk).update(valid_until=today_in(workspace))
    assert find_quote_by_link(token).is_open  # the last valid day is still valid
    Deal.objects.filter(pk=deal.pk).update(deleted_at=timezone.now())
    assert find_quote_by_link(token).reason == "invalid"


def test_the_sweep_expires_sent_quotes_after_their_last_day(owner, workspace) -> None:
    Workspace.objects.filter(pk=workspace.pk).update(time_zone="Pacific/Kiritimati")  # UTC+14
    deal = make_quotable_deal(owner)
    due, kept, draft = (create_quote(owner, deal.pk) for _ in range(3))
    for quote in (due, kept):
        send_quote(owner, quote.pk)
    today = today_in(Workspace.objects.get(pk=workspace.pk))
    Quote.objects.filter(pk__in=[due.pk, draft.pk]).update(valid_until=today - dt.timedelta(1))
    Quote.objects.filter(pk=kept.pk).update(valid_until=today)
    assert expire_quotes(timezone.now()) == 1
    statuses = dict(Quote.objects.values_list("pk", "status"))
    assert (statuses[due.pk], statuses[kept.pk], statuses[draft.pk]) == ("expired", "sent", "draft")
    assert OutboxEvent.objects.get(name="quote.expired").payload["valid_until"] == (
        (today - dt.timedelta(1)).isoformat()
    )
    assert expire_quotes(timezone.now()) == 0


def test_quotes_follow_the_deals_rights(workspace, owner) -> None:
    deal = make_quotable_deal(owner)
    quote = create_quote(owner, deal.pk)
    _, rep = make_member(workspace, "sales_rep")
    _, reader = make_member(workspace, "read_only")
    stranger = owner_principal(make_workspace("Globex"))
    before = _state()
    for principal, error in ((rep, Forbidden), (reader, Forbidden), (stranger, NotFound)):
        with pytest.raises(error):
            create_quote(principal, deal.pk)
        with pytest.raises(error):
            revise_quote(principal, quote.pk)
        with pytest.raises(error):
            send_quote(principal, quote.pk, to="x@example.com")
    assert _state() == before


def test_an_expired_quote_is_revised_into_a_new_version_valid_for_30_days(owner, workspace) -> None:
    deal = make_quotable_deal(owner)
    quote = send_quote(owner, create_quote(owner, deal.pk).pk)
    today = today_in(workspace)
    Quote.objects.filter(pk=quote.pk).update(valid_until=today - dt.timedelta(days=3))
    expire_quotes(timezone.now())
    new = revise_quote(owner, quote.pk)
    assert (new.version, new.status, new.valid_until) == (2, "draft", today + dt.timedelta(30))
    assert Quote.objects.get(pk=quote.pk).status == "superseded"
