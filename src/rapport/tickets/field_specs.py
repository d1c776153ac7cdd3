"""How a ticket's standard fields are named and chosen, for pages and the workflow builder."""

from __future__ import annotations

from rapport.core.field_specs import FieldSpec
from rapport.tickets.models import CHANNELS, PRIORITIES, STATUSES, TYPES

STATUS_LABELS = {
    "new": "New",
    "open": "Open",
    "pending": "Pending customer",
    "on_hold": "On hold",
    "solved": "Solved",
    "closed": "Closed",
}
CHANNEL_LABELS = {
    "email": "Email",
    "portal": "Portal",
    "web_form": "Web form",
    "api": "API",
    "phone": "Phone",
    "agent": "Agent",
}


def _choices(
    values: tuple[str, ...], labels: dict[str, str] | None = None
) -> tuple[tuple[str, str], ...]:
    return tuple((v, (labels or {}).get(v, v.replace("_", " ").capitalize())) for v in values)


STANDARD: tuple[FieldSpec, ...] = (
    FieldSpec("number", "Number", "integer", sortable=True, editable=False),
    FieldSpec("subject", "Subject", sortable=True, required=True),
    FieldSpec("status", "Status", "choice", _choices(STATUSES, STATUS_LABELS), sortable=True),
    FieldSpec("priority", "Priority", "choice", _choices(PRIORITIES), sortable=True),
    FieldSpec("type", "Type", "choice", _choices(TYPES)),
    FieldSpec("channel", "Channel", "choice", _choices(CHANNELS, CHANNEL_LABELS)),
    FieldSpec("requester_id", "Requester", "id"),
    FieldSpec("company_id", "Company", "id"),
    FieldSpec("team_id", "Team", "id"),
    FieldSpec("assignee_id", "Assignee", "user"),
    FieldSpec("tags", "Tags", "tags", editable=False),
)
