"""Reads of activities: one activity, filtered lists, and a record's timeline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Model, Q

from rapport.activities.models import KINDS, Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.errors import Invalid, NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.models import AuditEntry
from rapport.core.pagination import Page, decode_cursor, encode_cursor, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.deals.models import Deal

FILTER_FIELDS = {
    "kind": FilterField("kind", "choice"),
    "subject": FilterField("subject"),
    "contact_id": FilterField("contact_id", "id"),
    "company_id": FilterField("company_id", "id"),
    "deal_id": FilterField("deal_id", "id"),
    "owner_id": FilterField("owner_id", "id"),
    "assignee_id": FilterField("assignee_id", "id"),
    "priority": FilterField("priority", "choice"),
    "is_done": FilterField("is_done", "boolean"),
    "due_at": FilterField("due_at", "datetime"),
    "occurred_at": FilterField("occurred_at", "datetime"),
    "created_at": FilterField("created_at", "datetime"),
}
SORT_FIELDS = {"occurred_at", "due_at", "created_at", "updated_at", "id"}
DEFAULT_SORT = "-occurred_at"
CHANGE = "change"  # the timeline's pseudo-kind for a record's field changes
# The audit actions a timeline shows as changes: edits, and a lead's conversion and its undo.
CHANGE_ACTIONS = ("update", "convert", "undo_convert")
TIMELINE_KINDS = (*KINDS, CHANGE)
TIMELINE_RECORDS: dict[str, type[Contact] | type[Company] | type[Deal]] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
}
# What the pages show beside an activity (who, with whom); the API sends ids only.
RELATED = ("owner", "assignee", "contact", "company", "deal")


def find_activity(principal: Principal, activity_id: int) -> Activity | None:
    return visible(principal, Activity.objects.all(), "activity").filter(pk=activity_id).first()


def get_activity(principal: Principal, activity_id: int) -> Activity:
    activity = find_activity(principal, activity_id)
    if activity is None:
        raise NotFound(f"Activity {activity_id} not found.")
    return activity


def list_activities(
    principal: Principal,
    filters: list[str],
    sort: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
    *,
    related: bool = False,
) -> Page[Activity]:
    """Visible activities matching every `field:operator:value` term, keyset-paginated.

    `related` loads the owner, assignee and record of each row in the same query.
    """
    qs = visible(principal, Activity.objects.all(), "activity").filter(
        filters_q(FILTER_FIELDS, filters)
    )
    if related:
        qs = qs.select_related(*RELATED)
    return keyset_page(qs, parse_sort(sort, SORT_FIELDS, DEFAULT_SORT), limit, cursor)


@dataclass(frozen=True)
class TimelineItem:
    """One line of a timeline: an activity, or an update of the record from the audit log."""

    at: dt.datetime
    source: str  # "activity" or "change"
    id: int
    activity: Activity | None = None
    change: AuditEntry | None = None


@dataclass(frozen=True)
class Timeline:
    items: list[TimelineItem]
    next_cursor: str | None


@dataclass(frozen=True)
class _Position:
    """Where the previous page stopped, in the order (at, source, id), all descending."""

    at: dt.datetime
    source: str
    id: int

    def after_q(self, source: str, at_field: str) -> Q:
        """Rows of `source` that come strictly after this position."""
        earlier = Q(**{f"{at_field}__lt": self.at})
        if source < self.source:
            return earlier | Q(**{at_field: self.at})
        if source == self.source:
            return earlier | Q(**{at_field: self.at, "id__lt": self.id})
        return earlier


def _position(cursor: str | None) -> _Position | None:
    if not cursor:
        return None
    at, source, pk = decode_cursor(cursor, 3)
    try:
        return _Position(dt.datetime.fromisoformat(at), source, int(pk))
    except (TypeError, ValueError) as exc:
        raise Invalid.on("cursor", "The cursor is not valid; start again.") from exc


def get_timeline_record(principal: Principal, object_type: str, object_id: int) -> Model:
    """The contact or company a timeline belongs to; NotFound unless the principal sees it."""
    model = TIMELINE_RECORDS.get(object_type)
    record = None
    if model is not None:
        record = visible(principal, model.objects.all(), object_type).filter(pk=object_id).first()
    if record is None:
        raise NotFound(f"{object_type} {object_id} not found.")
    return record


def _activity_items(
    principal: Principal,
    object_type: str,
    record_id: int,
    kinds: set[str],
    after: Q,
    size: int,
    related: bool,
) -> list[TimelineItem]:
    if object_type == "company":
        # A company's timeline also shows what happened with its (visible) contacts and deals.
        contacts = visible(principal, Contact.objects.all(), "contact").filter(company_id=record_id)
        deals = visible(principal, Deal.objects.all(), "deal").filter(company_id=record_id)
        link = (
            Q(company_id=record_id)
            | Q(contact_id__in=contacts.values("pk"))
            | Q(deal_id__in=deals.values("pk"))
        )
    elif object_type == "deal":
        link = Q(deal_id=record_id)
    else:
        link = Q(contact_id=record_id)
    rows = (
        visible(principal, Activity.objects.all(), "activity")
        .filter(link, after, kind__in=sorted(kinds))
        .order_by("-occurred_at", "-id")
    )
    if related:
        rows = rows.select_related(*RELATED)
    return [TimelineItem(a.occurred_at, "activity", a.pk, activity=a) for a in rows[:size]]


def _change_items(
    principal: Principal, object_type: str, record_id: int, after: Q, size: int
) -> list[TimelineItem]:
    rows = AuditEntry.objects.filter(
        after,
        workspace_id=principal.workspace_id,
        object_type=object_type,
        object_id=record_id,
        action__in=CHANGE_ACTIONS,
    ).order_by("-created_at", "-id")[:size]
    return [TimelineItem(e.created_at, CHANGE, e.pk, change=e) for e in rows]


def timeline(
    principal: Principal,
    object_type: str,
    object_id: int,
    kinds: Iterable[str] | None = None,
    cursor: str | None = None,
    limit: int = 50,
    *,
    related: bool = False,
) -> Timeline:
    """A record's activities and field changes (and its contacts' activities), newest first.

    Three queries whatever the page size: the record, its activities, its changes. Each source
    is read up to limit + 1 rows past the cursor and the two are merged here. `related` loads
    each activity's owner, assignee and record in the same query (the pages show them).
    """
    wanted = set(TIMELINE_KINDS if kinds is None else kinds)
    if unknown := wanted - set(TIMELINE_KINDS):
        raise Invalid.on("kinds", f"Unknown kinds: {', '.join(sorted(unknown))}.")
    if not 1 <= limit <= 200:
        raise Invalid.on("limit", "limit must be between 1 and 200.")
    record_id = get_timeline_record(principal, object_type, object_id).pk
    position = _position(cursor)
    items: list[TimelineItem] = []
    if wanted - {CHANGE}:
        after = position.after_q("activity", "occurred_at") if position else Q()
        kinds_wanted = wanted - {CHANGE}
        items += _activity_items(
            principal, object_type, record_id, kinds_wanted, after, limit + 1, related
        )
    if CHANGE in wanted:
        after = position.after_q(CHANGE, "created_at") if position else Q()
        items += _change_items(principal, object_type, record_id, after, limit + 1)
    items.sort(key=lambda i: (i.at, i.source, i.id), reverse=True)
    page = items[:limit]
    next_cursor = None
    if len(items) > limit:
        last = page[-1]
        next_cursor = encode_cursor([last.at, last.source, last.id])
    return Timeline(page, next_cursor)


def timeline_kinds(raw: str | None) -> list[str] | None:
    """The `kinds` query parameter (comma list) as a list; None means every kind."""
    if not raw:
        return None
    return [k.strip() for k in raw.split(",") if k.strip()]
