"""API shapes of activities and timelines; the rules themselves live in kinds.py and services."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict

from rapport.activities.models import Activity
from rapport.activities.queries import TimelineItem
from rapport.core.api_support import RecordId
from rapport.core.audit import jsonable

Kind = Literal["note", "call", "meeting", "email", "task"]


class Attendee(Schema):
    model_config = ConfigDict(extra="forbid")

    email: str
    name: str = ""


class ActivityUpdate(Schema):
    """Fields a client may set; which apply depends on the kind (activities/kinds.py)."""

    model_config = ConfigDict(extra="forbid")

    contact_id: RecordId | None = None
    company_id: RecordId | None = None
    deal_id: RecordId | None = None
    subject: str | None = None
    body: str | None = None
    occurred_at: dt.datetime | None = None
    owner_id: RecordId | None = None
    direction: Literal["inbound", "outbound"] | None = None  # call, email
    duration_seconds: int | None = None  # call
    outcome: str | None = None  # call
    ends_at: dt.datetime | None = None  # meeting
    attendees: list[Attendee] | None = None  # meeting
    due_at: dt.datetime | None = None  # task
    assignee_id: RecordId | None = None  # task
    priority: Literal["low", "normal", "high"] | None = None  # task
    is_done: bool | None = None  # task


class ActivityCreate(ActivityUpdate):
    kind: Kind


class ActivityRead(Schema):
    id: int
    kind: Kind
    contact_id: int | None
    company_id: int | None
    deal_id: int | None
    subject: str
    body: str
    occurred_at: dt.datetime
    owner_id: int | None
    direction: str
    duration_seconds: int | None
    outcome: str
    ends_at: dt.datetime | None
    attendees: list[Attendee]
    due_at: dt.datetime | None
    assignee_id: int | None
    priority: str
    is_done: bool
    done_at: dt.datetime | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class TimelineItemRead(Schema):
    type: Literal["activity", "change"]
    at: dt.datetime
    activity: ActivityRead | None = None
    # For a change: {field: [before, after]}, who made it and the audit entry id.
    changes: dict[str, Any] | None = None
    actor_user_id: int | None = None
    actor_label: str | None = None
    audit_entry_id: int | None = None


class TimelineRead(Schema):
    items: list[TimelineItemRead]
    next_cursor: str | None


def activity_body(activity: Activity) -> dict[str, Any]:
    """An activity as the API returns it (ActivityRead), JSON-ready."""
    return {name: jsonable(getattr(activity, name)) for name in ActivityRead.model_fields}


def timeline_item_body(item: TimelineItem) -> dict[str, Any]:
    if item.activity is not None:
        return {
            "type": "activity",
            "at": jsonable(item.at),
            "activity": activity_body(item.activity),
        }
    entry = item.change
    assert entry is not None  # an item is an activity or a change
    return {
        "type": "change",
        "at": jsonable(item.at),
        "changes": entry.changes,
        "actor_user_id": entry.actor_user_id,
        "actor_label": entry.actor_label,
        "audit_entry_id": entry.pk,
    }
