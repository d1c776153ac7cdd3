"""The fields each activity kind accepts and the rules on their values (no database access).

Services call `clean_fields` on the merged state of an activity (stored values overlaid with the
requested changes), so create and update apply exactly the same rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from rapport.activities.models import KINDS
from rapport.core.errors import FieldError, Invalid

COMMON_FIELDS = frozenset(
    {"contact_id", "company_id", "deal_id", "subject", "body", "occurred_at", "owner_id"}
)
KIND_FIELDS: dict[str, frozenset[str]] = {
    "note": frozenset(),
    "call": frozenset({"direction", "duration_seconds", "outcome"}),
    "meeting": frozenset({"ends_at", "attendees"}),
    "email": frozenset({"direction"}),
    "task": frozenset({"due_at", "assignee_id", "priority", "is_done"}),
}
DIRECTIONS = ("inbound", "outbound")
PRIORITIES = ("low", "normal", "high")
MAX_ATTENDEES = 200
# Fields every kind stores but only some accept; cleared so a row never carries stale values.
KIND_DEFAULTS: dict[str, Any] = {
    "direction": "",
    "duration_seconds": None,
    "outcome": "",
    "ends_at": None,
    "attendees": [],
    "due_at": None,
    "assignee_id": None,
    "priority": "",
    "is_done": False,
}


def check_kind(kind: object) -> str:
    if kind not in KINDS:
        raise Invalid.on("kind", f"kind must be one of {', '.join(KINDS)}.")
    return str(kind)


def check_known_fields(kind: str, fields: Mapping[str, Any]) -> None:
    """Refuse fields another kind owns (a note has no duration), all reported together."""
    allowed = COMMON_FIELDS | KIND_FIELDS[kind]
    problems = [
        FieldError((name,), f"A {kind} has no {name}.", "extra_forbidden")
        for name in sorted(set(fields) - allowed)
    ]
    if problems:
        raise Invalid(f"Some fields do not apply to a {kind}.", problems)


def _text(state: Mapping[str, Any], name: str, max_length: int, required: bool) -> list[FieldError]:
    value = state.get(name) or ""
    if not isinstance(value, str):
        return [FieldError((name,), f"{name} must be text.")]
    if required and not value.strip():
        return [FieldError((name,), f"{name} is required.", "missing")]
    if len(value) > max_length:
        return [FieldError((name,), f"{name} is at most {max_length} characters.")]
    return []


def _aware(state: Mapping[str, Any], name: str, required: bool = False) -> list[FieldError]:
    value = state.get(name)
    if value is None and required:
        return [FieldError((name,), f"{name} is required.", "missing")]
    if value is None or (isinstance(value, dt.datetime) and value.tzinfo is not None):
        return []
    return [FieldError((name,), f"{name} must be a date-time with a time zone.")]


def _choice(state: Mapping[str, Any], name: str, choices: tuple[str, ...]) -> list[FieldError]:
    if state.get(name) in choices:
        return []
    return [FieldError((name,), f"{name} must be one of {', '.join(choices)}.")]


def _call(state: Mapping[str, Any]) -> list[FieldError]:
    problems = _choice(state, "direction", DIRECTIONS) + _text(state, "outcome", 40, False)
    duration = state.get("duration_seconds")
    if duration is not None and (not isinstance(duration, int) or duration < 0):
        problems.append(FieldError(("duration_seconds",), "duration_seconds must be 0 or more."))
    return problems


def _meeting(state: Mapping[str, Any]) -> list[FieldError]:
    problems = _aware(state, "ends_at")
    start, end = state.get("occurred_at"), state.get("ends_at")
    if not problems and end is not None and start is not None and end <= start:
        problems.append(FieldError(("ends_at",), "ends_at must be after the start."))
    return problems + clean_attendees(state.get("attendees") or [])[1]


def _task(state: Mapping[str, Any]) -> list[FieldError]:
    return _aware(state, "due_at") + _choice(state, "priority", PRIORITIES)


_KIND_RULES = {
    "note": lambda s: [],
    "call": _call,
    "meeting": _meeting,
    "email": lambda s: [] if not s.get("direction") else _choice(s, "direction", DIRECTIONS),
    "task": _task,
}


def clean_attendees(raw: object) -> tuple[list[dict[str, str]], list[FieldError]]:
    """Attendees as [{"email", "name"}] with lower-case, unique emails, and any problems."""
    if not isinstance(raw, list) or len(raw) > MAX_ATTENDEES:
        return [], [FieldError(("attendees",), f"attendees is a list of at most {MAX_ATTENDEES}.")]
    cleaned: list[dict[str, str]] = []
    problems: list[FieldError] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or set(item) - {"email", "name"}:
            problems.append(FieldError(("attendees", i), "An attendee is {email, name}."))
            continue
        email = str(item.get("email") or "").strip().lower()
        try:
            validate_email(email)
        except ValidationError:
            problems.append(FieldError(("attendees", i, "email"), "Enter a valid email."))
            continue
        if email not in seen:
            seen.add(email)
            cleaned.append({"email": email, "name": str(item.get("name") or "").strip()[:200]})
    return cleaned, problems


def clean_fields(kind: str, state: Mapping[str, Any]) -> None:
    """Raise Invalid with every problem of the activity's merged state."""
    problems = (
        _text(state, "subject", 200, required=kind in ("email", "task"))
        + _text(state, "body", 100_000, required=kind == "note")
        + _aware(state, "occurred_at", required=True)
        + _KIND_RULES[kind](state)
    )
    if problems:
        raise Invalid(f"The {kind} has invalid fields.", problems)
