"""Workflows in words: "When a contact is created", "City is “London”", "Add the tag “vip”".

Pages show a definition (a dict as stored in a version) and a run's trigger through these; ids
of fields, users, teams and email templates become names through `Names` when known.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rapport.core.list_state import OPERATOR_LABELS

TRIGGER_LABELS = {
    "record_created": "A record is created",
    "record_updated": "A record is updated",
    "field_changed": "A field changes",
    "record_deleted": "A record is deleted",
    "date": "A date is reached",
    "no_activity": "No activity for some days",
    "schedule": "On a schedule",
    "manual": "Run by hand",
    "webhook": "A webhook is received",
}
STEP_LABELS = {
    "update_field": "Update a field",
    "assign_owner": "Assign an owner",
    "add_tag": "Add a tag",
    "remove_tag": "Remove a tag",
    "create_task": "Create a task",
    "create_activity": "Log an activity",
    "send_email": "Send an email",
    "notify": "Notify users",
    "create_record": "Create a related record",
    "http_post": "Call a URL",
    "wait": "Wait",
    "branch": "Branch (if / else)",
}
RUN_TRIGGER_LABELS = {
    "record_created": "Record created",
    "record_updated": "Record updated",
    "field_changed": "Field changed",
    "record_deleted": "Record deleted",
    "date": "Date reached",
    "no_activity": "No activity",
    "schedule": "Schedule",
    "manual": "By hand",
    "webhook": "Webhook",
}
TRIGGER_DETAILS = {
    "event": "Event",
    "event_id": "Event id",
    "field": "Field",
    "date": "Date",
    "days": "Quiet days",
    "last_activity_at": "Last activity",
    "at": "Scheduled for",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
OPERATORS = {**OPERATOR_LABELS, "is-not-empty": "is not empty"}
EMAIL_TO = {"contact": "the contact", "owner": "the record's owner"}


@dataclass(frozen=True)
class Names:
    """Labels of what a definition names by key or id."""

    fields: dict[str, str] = field(default_factory=dict)
    users: dict[int, str] = field(default_factory=dict)
    teams: dict[int, str] = field(default_factory=dict)
    templates: dict[int, str] = field(default_factory=dict)

    def field(self, name: Any) -> str:
        text = str(name or "")
        return self.fields.get(text) or text.replace("_", " ").capitalize() or "a field"

    def user(self, user_id: Any) -> str:
        return self.users.get(user_id) or f"user {user_id}"

    def team(self, team_id: Any) -> str:
        return self.teams.get(team_id) or f"team {team_id}"

    def template(self, template_id: Any) -> str:
        return self.templates.get(template_id) or f"template {template_id}"


@dataclass
class Line:
    """One sentence, with the sentences under it (a group's conditions, a branch's steps)."""

    text: str
    children: list[Line] = field(default_factory=list)
    then: list[Line] | None = None
    otherwise: list[Line] | None = None
    step_id: str = ""


def _quote(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_quote(v) for v in value)
    return f"“{value}”"


def _plural(count: Any, unit: str) -> str:
    return f"{count} {unit}{'' if count == 1 else 's'}"


# --- Triggers -----------------------------------------------------------------------------------


def trigger_text(trigger: dict[str, Any], names: Names | None = None) -> str:
    """The trigger as a sentence: "When a contact's Lifecycle stage changes to “customer”"."""
    names = names or Names()
    kind, record = trigger.get("type"), trigger.get("object_type") or "record"
    if kind in ("record_created", "record_updated", "record_deleted"):
        return f"When a {record} is {str(kind).removeprefix('record_')}"
    if kind == "field_changed":
        text = f"When a {record}'s {names.field(trigger.get('field'))} changes"
        text += f" from {_quote(trigger['from'])}" if "from" in trigger else ""
        return text + (f" to {_quote(trigger['to'])}" if "to" in trigger else "")
    if kind == "date":
        return _date_text(trigger, record, names.field(trigger.get("field")))
    if kind == "no_activity":
        return f"When a {record} has had no activity for {_plural(trigger.get('days'), 'day')}"
    if kind == "schedule":
        days = [WEEKDAYS[d] for d in trigger.get("weekdays") or [] if d in range(7)]
        return f"Every {', '.join(days) or 'week'} at {trigger.get('at')}, for each {record}"
    if kind == "manual":
        return f"When run by hand on a {record}"
    if kind == "webhook":
        about = f" about a {trigger['object_type']}" if trigger.get("object_type") else ""
        return f"When its hook URL receives a POST{about}"
    return "When …"


def _date_text(trigger: dict[str, Any], record: str, field_name: str) -> str:
    offset = trigger.get("offset_days") or 0
    days = _plural(abs(offset), "day") if isinstance(offset, int) else str(offset)
    when = "On" if not offset else (f"{days} before" if offset < 0 else f"{days} after")
    yearly = ", every year" if trigger.get("every_year") else ""
    return f"{when} a {record}'s {field_name}, at {trigger.get('at', '09:00')}{yearly}"


# --- Conditions ---------------------------------------------------------------------------------


def condition_lines(condition: Any, names: Names | None = None) -> list[Line]:
    """A condition tree as sentences; a group is a sentence with its conditions under it."""
    names = names or Names()
    if not isinstance(condition, dict):
        return []
    for match, intro in (("all", "All of these are true"), ("any", "Any of these is true")):
        if match in condition:
            rows = condition[match] or []
            return [Line(intro, [line for c in rows for line in condition_lines(c, names)])]
    name, op, value = (
        names.field(condition.get("field")),
        condition.get("op"),
        condition.get("value"),
    )
    if op == "is-empty":
        return [
            Line(f"{name} {OPERATORS['is-not-empty' if str(value) == 'false' else 'is-empty']}")
        ]
    return [Line(f"{name} {OPERATORS.get(str(op), str(op))} {_quote(value)}")]


# --- Steps --------------------------------------------------------------------------------------


def _update_field(step: dict[str, Any], names: Names) -> str:
    target = names.field(step.get("field"))
    if step.get("value") in (None, ""):
        return f"Clear {target}"
    if str(step.get("field", "")).endswith(("owner_id", "assignee_id")):
        return f"Set {target} to {names.user(step['value'])}"
    return f"Set {target} to {_quote(step['value'])}"


def _assign_owner(step: dict[str, Any], names: Names) -> str:
    if step.get("mode") == "user":
        return f"Assign the record to {names.user(step.get('user_id'))}"
    if step.get("mode") == "territory":
        return _by_territory(step, names)
    team = names.team(step.get("team_id"))
    if step.get("mode") == "round_robin":
        return f"Assign the record in turn to the members of {team}"
    return f"Assign the record to the member of {team} with the fewest open records"


def _within(team: str, then: Any) -> str:
    if then == "fewest_open":
        return f"to the member of {team} with the fewest open records"
    return f"in turn to the members of {team}"


def _by_territory(step: dict[str, Any], names: Names) -> str:
    """ "Assign the record by territory, in turn to the members of its team; if none matches,
    in turn to the members of Inbound, else to Ada" (away members are skipped)."""
    then = step.get("then", "round_robin")
    text = f"Assign the record by territory, {_within('its team', then)}"
    fallbacks = []
    if step.get("fallback_team_id") is not None:
        fallbacks.append(_within(names.team(step["fallback_team_id"]), then))
    if step.get("fallback_user_id") is not None:
        fallbacks.append(f"to {names.user(step['fallback_user_id'])}")
    if not fallbacks:
        return f"{text}; if none matches, the owner stays"
    return f"{text}; if none matches, {', else '.join(fallbacks)}"


def _create_task(step: dict[str, Any], names: Names) -> str:
    who = "the owner" if step.get("assignee", "owner") == "owner" else names.user(step["assignee"])
    due = step.get("due_in_days", 0)
    when = "today" if due == 0 else f"in {_plural(due, 'day')}"
    return f"Create the task {_quote(step.get('subject', ''))} for {who}, due {when}"


def _send_email(step: dict[str, Any], names: Names) -> str:
    to = EMAIL_TO.get(step.get("to", "contact")) or names.user(step.get("user_id"))
    return f"Send the email {_quote(names.template(step.get('template_id')))} to {to}"


def _notify(step: dict[str, Any], names: Names) -> str:
    recipients = step.get("recipients", "owner")
    if isinstance(recipients, list):
        who = ", ".join(names.user(r) for r in recipients) or "nobody"
    else:
        who = "the record's owner"
    return f"Notify {who}: {_quote(step.get('title', ''))}"


def _wait(step: dict[str, Any], names: Names) -> str:
    if step.get("until_field"):
        offset = step.get("offset_days") or 0
        shift = f" {offset:+d} days" if isinstance(offset, int) and offset else ""
        return f"Wait until {names.field(step['until_field'])}{shift}, at {step.get('at', '09:00')}"
    parts = [_plural(step.get(u + "s"), u) for u in ("day", "hour", "minute") if step.get(u + "s")]
    return f"Wait {' '.join(parts) or '0 minutes'}"


def _create_record(step: dict[str, Any], names: Names) -> str:
    fields = step.get("fields") or {}
    pairs = ", ".join(f"{k}: {v}" for k, v in fields.items()) if isinstance(fields, dict) else ""
    return f"Create a related {step.get('object_type')}" + (f" ({pairs})" if pairs else "")


_STEP_TEXT: dict[str, Callable[[dict[str, Any], Names], str]] = {
    "update_field": _update_field,
    "assign_owner": _assign_owner,
    "add_tag": lambda s, n: f"Add the tag {_quote(s.get('tag', ''))}",
    "remove_tag": lambda s, n: f"Remove the tag {_quote(s.get('tag', ''))}",
    "create_task": _create_task,
    "create_activity": lambda s, n: f"Log a {s.get('kind')} {_quote(s.get('subject', ''))}",
    "send_email": _send_email,
    "notify": _notify,
    "create_record": _create_record,
    "http_post": lambda s, n: f"POST the record as JSON to {s.get('url')}",
    "wait": _wait,
    "branch": lambda s, n: "If",
}


def step_text(step: dict[str, Any], names: Names | None = None) -> str:
    say = _STEP_TEXT.get(str(step.get("type")))
    text = say(step, names or Names()) if say else STEP_LABELS.get(str(step.get("type")), "Step")
    return f"{step['name']}: {text}" if step.get("name") else text


def step_lines(steps: list[Any], names: Names | None = None) -> list[Line]:
    """Steps as sentences; a branch has its conditions and its then / else steps under it."""
    names = names or Names()
    lines = []
    for step in steps:
        if not isinstance(step, dict):
            continue
        line = Line(step_text(step, names), step_id=str(step.get("id", "")))
        if step.get("type") == "branch":
            line.children = condition_lines(step.get("if"), names)
            line.then = step_lines(step.get("then") or [], names)
            line.otherwise = step_lines(step.get("else") or [], names)
        lines.append(line)
    return lines


def step_labels(steps: list[Any]) -> dict[str, str]:
    """{step id: "Name" or "Update a field"} of every step, branches' included."""
    labels: dict[str, str] = {}
    for step in steps:
        if isinstance(step, dict):
            kind = STEP_LABELS.get(str(step.get("type")), str(step.get("type")))
            labels[str(step.get("id"))] = step.get("name") or kind
            if step.get("type") == "branch":  # assign_owner's `then` is a mode, not steps
                labels |= step_labels((step.get("then") or []) + (step.get("else") or []))
    return labels


# --- Runs ---------------------------------------------------------------------------------------


def run_trigger_label(trigger: dict[str, Any]) -> str:
    return RUN_TRIGGER_LABELS.get(str(trigger.get("type")), str(trigger.get("type") or "—"))


def run_trigger_details(
    trigger: dict[str, Any], names: Names | None = None
) -> list[tuple[str, str]]:
    """What started a run, as (label, value) rows."""
    names = names or Names()
    rows = [("Trigger", run_trigger_label(trigger))]
    for key, label in TRIGGER_DETAILS.items():
        if trigger.get(key) not in (None, ""):
            value = names.field(trigger[key]) if key == "field" else str(trigger[key])
            rows.append((label, value))
    for key in ("actor_user_id", "user_id"):
        if trigger.get(key):
            rows.append(("By", names.user(trigger[key])))
    if "payload" in trigger:
        rows.append(("Payload", json.dumps(trigger["payload"], indent=1, default=str)[:2000]))
    return rows
