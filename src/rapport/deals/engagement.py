"""The engagement signal of open deals: how actively the customer is being worked, from the
activities on the deal and on its contacts in the last 90 days, with the reasons.

A score from 0 to 100 starts at 50 and moves with recency (the last touch), meetings and calls
in the last 30 days, and emails both ways (replies from the customer count more than mail
sent). It sits beside the stage probability as a second opinion, never replacing it; every
point is explained, so a rep can see what raised or lowered it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.core.permissions import Principal, visible
from rapport.deals.models import Deal, DealContact

WINDOW_DAYS = 90
RECENT_DAYS = 30


@dataclass
class Engagement:
    score: int
    level: str  # high, medium, low
    last_activity_at: dt.datetime | None
    reasons: list[tuple[int, str]] = field(default_factory=list)  # (points, why)


@dataclass
class _Tally:
    last: dt.datetime | None = None
    recent: dict[tuple[str, str], int] = field(default_factory=lambda: defaultdict(int))

    def touch(self, at: dt.datetime | None) -> None:
        if at is not None and (self.last is None or at > self.last):
            self.last = at


def _level(score: int) -> str:
    return "high" if score >= 70 else "medium" if score >= 40 else "low"


def _capped(count: int, each: int, cap: int) -> int:
    return min(count * each, cap)


def _score(tally: _Tally, now: dt.datetime) -> Engagement:
    reasons: list[tuple[int, str]] = []
    if tally.last is None:
        reasons.append((-30, f"No activity in the last {WINDOW_DAYS} days"))
    else:
        days = (now - tally.last).days
        if days <= 7:
            reasons.append((15, "Touched in the last week"))
        elif days <= 14:
            reasons.append((5, "Touched in the last two weeks"))
        elif days > 30:
            reasons.append((-20, f"Nothing for {days} days"))
    meetings = tally.recent[("meeting", "")]
    calls = sum(n for (kind, _), n in tally.recent.items() if kind == "call")
    replies = tally.recent[("email", "inbound")]
    sent = tally.recent[("email", "outbound")] + tally.recent[("email", "")]
    if meetings:
        reasons.append((_capped(meetings, 10, 20), f"{meetings} meeting(s) in the last 30 days"))
    if calls:
        reasons.append((_capped(calls, 5, 15), f"{calls} call(s) in the last 30 days"))
    if replies:
        reasons.append((_capped(replies, 8, 16), f"{replies} email(s) from the customer"))
    elif sent >= 2:
        reasons.append((-5, f"No reply to {sent} emails in the last 30 days"))
    score = max(0, min(100, 50 + sum(points for points, _ in reasons)))
    return Engagement(score, _level(score), tally.last, reasons)


def engagement_of(
    principal: Principal, deals: Iterable[Deal], now: dt.datetime | None = None
) -> dict[int, Engagement]:
    """The signal of each open deal among `deals` (closed ones get none): three queries."""
    now = now or timezone.now()
    open_ids = [d.pk for d in deals if d.stage.kind == "open"]
    if not open_ids:
        return {}
    links = DealContact.objects.filter(deal_id__in=open_ids).values_list("deal_id", "contact_id")
    deals_of_contact: dict[int, list[int]] = defaultdict(list)
    for deal_id, contact_id in links:
        deals_of_contact[contact_id].append(deal_id)
    since, recent = now - dt.timedelta(days=WINDOW_DAYS), now - dt.timedelta(days=RECENT_DAYS)
    rows = (
        visible(principal, Activity.objects.all(), "activity")
        .filter(Q(deal_id__in=open_ids) | Q(contact_id__in=list(deals_of_contact)))
        .filter(occurred_at__gte=since, occurred_at__lte=now)
        .exclude(kind="task", is_done=False)  # an open to-do is not a touch
        .order_by()
        .values_list("deal_id", "contact_id", "kind", "direction")
        .annotate(last=Max("occurred_at"), n=Count("pk", filter=Q(occurred_at__gte=recent)))
    )
    tallies: dict[int, _Tally] = {pk: _Tally() for pk in open_ids}
    for deal_id, contact_id, kind, direction, last, n in rows:
        targets = [deal_id] if deal_id in tallies else deals_of_contact.get(contact_id, [])
        for target in targets:
            tally = tallies[target]
            tally.touch(last)
            tally.recent[(kind, direction if kind in ("email", "call") else "")] += n
    return {pk: _score(tally, now) for pk, tally in tallies.items()}
