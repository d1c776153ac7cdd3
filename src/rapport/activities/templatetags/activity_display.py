"""Template filters that show activities and field changes on timelines and lists.

They return plain strings, which templates escape; nothing here is marked safe. Datetimes are
shown in the current time zone, which the views set to the workspace's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.core.templatetags.record_fields import duration_text

register = template.Library()
ICONS = {
    "note": "pencil-square",
    "call": "phone",
    "meeting": "calendar-days",
    "email": "envelope",
    "task": "check-circle",
    "change": "arrow-path",
}
EMPTY = "—"
MAX_VALUE = 200  # characters of a changed value shown on a timeline


@register.filter
def kind_icon(kind: str) -> str:
    """The heroicons outline name for an activity kind (or "change")."""
    return ICONS.get(kind, "document-text")


@register.filter
def activity_title(activity: Activity) -> str:
    """ "Outbound call", "Note", "Meeting"…: what the line of a timeline or list is."""
    if activity.kind in ("call", "email") and activity.direction:
        return f"{activity.direction.capitalize()} {activity.kind}"
    return activity.kind.capitalize()


@register.filter
def duration(seconds: int | None) -> str:
    """A call's length: "45 s", "12 min", "1 h 5 min"."""
    return duration_text(seconds) if seconds is not None else ""


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


@register.filter
def when(moment: dt.datetime | None) -> str:
    """A datetime as "2026-03-02 09:00" in the current (the workspace's) time zone."""
    return _when(moment) if moment is not None else ""


@register.filter
def meeting_span(activity: Activity) -> str:
    """Start and end joined by an en dash; the end's date is left out when it is the same day."""
    start = _when(activity.occurred_at)
    if activity.ends_at is None:
        return start
    end = _when(activity.ends_at)
    return f"{start}\N{EN DASH}{end[11:] if end[:10] == start[:10] else end}"


def _value(value: Any) -> str:
    if value in (None, "", [], {}):
        return EMPTY
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_value(item) for item in value)
    if isinstance(value, dict):
        # Emails, phones and attendees are stored as {"email": ...} / {"number": ...} rows.
        main = value.get("email") or value.get("number") or value.get("name")
        if main is not None:
            return str(main)
        return ", ".join(f"{key}: {_value(item)}" for key, item in value.items())
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def _label(name: str) -> str:
    name = name.removeprefix("custom.")
    name = name.removesuffix("_id")
    return name.replace("_", " ").capitalize()


@register.filter
def change_rows(changes: Any) -> list[tuple[str, str, str]]:
    """An audit entry's {field: [before, after]} as (label, before, after) strings."""
    if not isinstance(changes, dict):
        return []
    rows = []
    for name, pair in sorted(changes.items()):
        before, after = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
        rows.append((_label(str(name)), _value(before), _value(after)))
    return rows
