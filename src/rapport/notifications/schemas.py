"""Request and response shapes of /api/v1/notifications."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from rapport.core.api_support import RecordId
from rapport.notifications.models import Notification
from rapport.notifications.queries import Preference


class NotificationRead(Schema):
    id: int
    kind: str
    title: str
    body: str
    object_type: str
    object_id: int | None
    url: str = Field(description="the page of the record, e.g. /contacts/12; '' if none")
    actor_label: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class UnreadCount(Schema):
    count: int
    count_is_capped: bool = Field(description="true when there are more than `count`")


class MarkRead(Schema):
    """Either `ids` (your notifications to mark read) or `all: true`."""

    model_config = ConfigDict(extra="forbid")

    ids: list[RecordId] | None = Field(None, max_length=200)
    all: StrictBool = False


class MarkedRead(Schema):
    marked: int = Field(description="how many of them were unread")
    unread: int


class PreferenceRead(Schema):
    kind: str
    label: str
    in_app: bool
    by_email: bool


class PreferenceList(Schema):
    items: list[PreferenceRead]


class PreferenceChoice(Schema):
    model_config = ConfigDict(extra="forbid")

    in_app: StrictBool | None = None
    by_email: StrictBool | None = None


def notification_body(notification: Notification) -> dict[str, Any]:
    return NotificationRead.model_validate(notification, from_attributes=True).model_dump()


def preferences_body(preferences: list[Preference]) -> dict[str, Any]:
    return {"items": [PreferenceRead(**vars(p)).model_dump() for p in preferences]}
