"""Builders for notification tests: named members, records, tasks, notes and domain events."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from rapport.activities.models import Activity
from rapport.activities.services import create_activity
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.events import Event
from rapport.core.permissions import Principal
from rapport.notifications.services import notify
from rapport.workspaces.models import User, Workspace
from tests.conftest import make_member

NOW = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)
_event_ids = itertools.count(1_000_000)
_people = itertools.count(1)


def make_person(
    workspace: Workspace, full_name: str, role: str = "sales_rep"
) -> tuple[User, Principal]:
    first = full_name.split()[0].lower()
    return make_member(
        workspace, role, full_name=full_name, email=f"{first}.{next(_people)}@example.com"
    )


def make_grace(principal: Principal, **fields: Any) -> Contact:
    return create_contact(principal, {"first_name": "Grace", "last_name": "Hopper", **fields})


def make_task(
    principal: Principal, contact: Contact, due_at: dt.datetime, **fields: Any
) -> Activity:
    values = {"contact_id": contact.pk, "subject": "Send the contract", "due_at": due_at}
    return create_activity(principal, "task", values | fields)


def make_note(principal: Principal, contact: Contact, body: str) -> Activity:
    return create_activity(principal, "note", {"contact_id": contact.pk, "body": body})


def notify_one(principal: Principal, user: User, title: str = "Hello", **fields: Any) -> int:
    return notify(principal, [user.pk], fields.pop("kind", "assigned"), title, **fields)


def make_event(
    name: str,
    record: Any,
    actor: User | None,
    payload: dict[str, Any],
    event_id: int | None = None,
) -> Event:
    """An event as the dispatcher would hand it to consumers."""
    return Event(
        id=event_id if event_id is not None else next(_event_ids),
        name=name,
        workspace_id=record.workspace_id,
        object_type=name.partition(".")[0],
        object_id=record.pk,
        payload=payload,
        actor_user_id=actor.pk if actor else None,
        actor_label=str(actor) if actor else "system",
        occurred_at=NOW,
        depth=0,
        workflow_id=None,
    )
