"""What makes a ticket findable: its search entry (number, subject, requester's name and email).

The ticket services call `index_record(**ticket_entry(ticket))` after every create, update and
restore, and `remove_record` on delete. The entry's owner is the assignee, so "own" and "team"
scopes see the same tickets in search as in lists.
"""

from __future__ import annotations

from typing import Any

from rapport.tickets.models import Ticket


def ticket_entry(ticket: Ticket) -> dict[str, Any]:
    """The keyword arguments of `rapport.search.services.index_record` for a ticket."""
    requester = ticket.requester
    name = str(requester) if requester is not None else ""
    terms = [f"#{ticket.number}", str(ticket.number), ticket.subject, name]
    if requester is not None:
        terms.append(requester.primary_email)
    return {
        "workspace_id": ticket.workspace_id,
        "object_type": "ticket",
        "object_id": ticket.pk,
        "title": str(ticket),
        "subtitle": name,
        "terms": terms,
        "owner_id": ticket.assignee_id,
    }
