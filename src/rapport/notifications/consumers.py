"""The notifications consumer of domain events: a record assigned to someone, a mention in a note.

`handle_event` is registered with rapport.core.events (see apps.py) and called by the
dispatcher at least once per event, inside the dispatcher's transaction. Every notification it
writes carries the event's id, so a second delivery notifies nobody twice. Who was assigned and
what changed come from the event's payload; the record's name and links are read at delivery,
and an event about a record deleted since then notifies nobody.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rapport.activities.models import Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.events import Event
from rapport.core.permissions import Principal, system_principal
from rapport.core.tenancy import Record
from rapport.deals.models import Deal
from rapport.notifications.services import actor_label, notify, notify_mentions
from rapport.tickets.models import Ticket

MODELS: dict[str, type[Record]] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "activity": Activity,
    "ticket": Ticket,
}
# The fields that make a user responsible for a record of each type.
ASSIGNING_FIELDS = {
    "contact": ("owner_id",),
    "company": ("owner_id",),
    "deal": ("owner_id",),
    "activity": ("owner_id", "assignee_id"),
    "ticket": ("assignee_id",),
}


def _acting(event: Event) -> Principal:
    """Who made the change, as the principal notify() skips and names in titles."""
    system = system_principal(event.workspace_id)
    return replace(system, user_id=event.actor_user_id, extra={"label": event.actor_label})


def _record(event: Event) -> Any:
    model = MODELS[event.object_type]
    live = model._default_manager.filter(workspace_id=event.workspace_id, deleted_at__isnull=True)
    return live.filter(pk=event.object_id).first()


def _assignees(event: Event) -> list[Any]:
    """The users the change made owner or assignee: new values of an update, values of a create."""
    fields = ASSIGNING_FIELDS[event.object_type]
    if event.name.endswith(".created"):
        record = event.payload.get("record") or {}
        return [record.get(name) for name in fields]
    changes = event.payload.get("changes") or {}
    return [changes[name][1] for name in fields if name in changes]


def _describe(record: Any) -> str:
    """How a title names the record: "Contact Grace Hopper", "Task Send the contract", "Note #7"."""
    if isinstance(record, Activity):
        return f"{record.kind.capitalize()} {record.subject or f'#{record.pk}'}"
    return f"{record.OBJECT_TYPE.capitalize()} {record}"


def _notify_assigned(principal: Principal, event: Event, record: Any, assignees: list[int]) -> None:
    title = f"{actor_label(principal)} assigned you {_describe(record)}"
    notify(
        principal, assignees, "assigned", title, "", event.object_type, record.pk,
        event_id=event.id,
    )  # fmt: skip


def _previous_body(event: Event) -> str | None:
    """For an event that may mention someone: the body before it ("" if new), else None."""
    if event.object_type != "activity":
        return None
    if event.name.endswith(".created"):
        body = (event.payload.get("record") or {}).get("body") or ""
        return "" if "@" in body else None
    changes = event.payload.get("changes") or {}
    if "body" not in changes or "@" not in (changes["body"][1] or ""):
        return None
    return str(changes["body"][0] or "")


def handle_event(event: Event) -> None:
    """Notify about `<contact|company|activity>.<created|updated>`; ignore every other event.

    Most events concern nobody here, so the record is read only once the payload shows an
    assignment or a body with an "@".
    """
    verb = event.name.rpartition(".")[2]
    if event.object_type not in MODELS or verb not in ("created", "updated"):
        return
    assignees = [i for i in _assignees(event) if isinstance(i, int)]
    previous_body = _previous_body(event)
    if not assignees and previous_body is None:
        return
    record = _record(event)
    if record is None:
        return
    principal = _acting(event)
    if assignees:
        _notify_assigned(principal, event, record, assignees)
    if previous_body is not None and record.kind == "note":
        notify_mentions(principal, record, previous_body=previous_body, event_id=event.id)
