"""The engagement signal: recency, meetings, calls and replies raise or lower it, with reasons."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.activities.services import create_activity
from rapport.contacts.services import create_contact
from rapport.deals.engagement import engagement_of
from rapport.deals.queries import get_deal
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from tests.conftest import api_client_for, make_workspace, owner_principal

pytestmark = pytest.mark.django_db
NOW = timezone.now()


def _log(owner: Any, kind: str, days_ago: int, **link: Any) -> None:
    fields: dict[str, Any] = {"subject": kind, "occurred_at": NOW - dt.timedelta(days=days_ago)}
    create_activity(owner, kind, {**fields, **link})


def test_a_quiet_deal_scores_low_and_says_why(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Quiet"})
    signal = engagement_of(owner, [get_deal(owner, deal.pk)], NOW)[deal.pk]
    assert (signal.score, signal.level, signal.reasons) == (
        20, "low", [(-30, "No activity in the last 90 days")],
    )  # fmt: skip


def test_meetings_calls_and_replies_on_the_deal_and_its_contacts_raise_it(owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    deal = create_deal(owner, {"name": "Busy", "contacts": [{"contact_id": ada.pk}]})
    _log(owner, "meeting", 3, deal_id=deal.pk)
    _log(owner, "call", 10, contact_id=ada.pk, direction="outbound")
    reply = {"subject": "Re: offer", "direction": "inbound", "contact_id": ada.pk}
    create_activity(owner, "email", {**reply, "occurred_at": NOW - dt.timedelta(days=2)})
    _log(owner, "meeting", 60, deal_id=deal.pk)  # too old to count as recent
    signal = engagement_of(owner, [get_deal(owner, deal.pk)], NOW)[deal.pk]
    assert signal.reasons == [
        (15, "Touched in the last week"),
        (10, "1 meeting(s) in the last 30 days"),
        (5, "1 call(s) in the last 30 days"),
        (8, "1 email(s) from the customer"),
    ]
    assert (signal.score, signal.level) == (88, "high")


def test_unanswered_mail_and_a_long_silence_lower_it(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Ghosted"})
    for days in (35, 40):
        create_activity(owner, "email", {"subject": "Chasing", "direction": "outbound",
                                         "occurred_at": NOW - dt.timedelta(days=days),
                                         "deal_id": deal.pk})  # fmt: skip
    signal = engagement_of(owner, [get_deal(owner, deal.pk)], NOW)[deal.pk]
    assert signal.reasons == [(-20, "Nothing for 35 days")]
    assert signal.score == 30


def test_closed_deals_have_no_signal_and_the_api_says_so(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Won"})
    won = ensure_default_pipeline(owner.workspace_id).stages.get(name="Won")
    move_deal_to_stage(owner, deal.pk, won.pk)
    api = api_client_for(owner)
    assert api.get(f"/api/v1/deals/{deal.pk}/engagement").json()["score"] is None
    open_deal = create_deal(owner, {"name": "Open"})
    body = api.get(f"/api/v1/deals/{open_deal.pk}/engagement").json()
    assert (body["score"], body["reasons"][0]["points"]) == (20, -30)
    stranger = api_client_for(owner_principal(make_workspace("Other")))
    assert stranger.get(f"/api/v1/deals/{open_deal.pk}/engagement").status_code == 404


def test_the_deal_page_shows_the_signal_and_why(workspace: Any, owner: Any) -> None:
    from tests.page_clients import owner_client

    deal = create_deal(owner, {"name": "Shown"})
    _log(owner, "meeting", 2, deal_id=deal.pk)
    page = owner_client(workspace).get(f"/deals/{deal.pk}").content.decode()
    assert 'Engagement <span class="badge">75 · high</span>' in page
    assert "+10</span> 1 meeting(s) in the last 30 days" in page
