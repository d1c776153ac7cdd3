"""Domain events: the registry of event types, and writing events to the outbox.

Every service write records its change through `rapport.core.audit.record_change`, which also
calls `emit_change` here: the event row is written in the same transaction as the change, so
an event exists exactly when its change committed. The dispatcher (`rapport.core.dispatch`)
then delivers each event to every registered consumer (automation, notifications, later
webhooks) at least once, in order per record.

Event names are `<object type>.<verb>`: `contact.created`, `contact.updated` (payload: the
changed fields), `company.deleted`. Apps register the types they emit in `AppConfig.ready()`;
`docs/events.md` lists them all and a test keeps it true (`rapport events` prints it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from rapport.core.models import OutboxEvent
from rapport.core.permissions import Principal

# What an audit action is called as an event: `record_change(..., "update", ...)` emits
# "<type>.updated". Actions not listed here (an export, a sign-in) emit no event.
ACTION_VERBS = {
    "create": "created",
    "update": "updated",
    "edit": "updated",
    "delete": "deleted",
    "restore": "restored",
    "hard_delete": "erased",
    "accept": "accepted",
}
# Principal.extra keys set by the automation engine on the principal its workflows act as.
DEPTH_KEY = "event_depth"
WORKFLOW_KEY = "workflow_id"


class RecordSnapshot(BaseModel):
    """*.created, *.deleted, *.erased: the record's fields as the audit log snapshots them."""

    record: dict[str, Any] = Field(description="The record's fields at the time of the event.")


class RecordChanges(BaseModel):
    """*.updated, *.restored, *.accepted: each changed field as [before, after]."""

    changes: dict[str, list[Any]] = Field(description="{field: [before, after]} per change.")


@dataclass(frozen=True)
class EventType:
    name: str
    object_type: str
    description: str
    payload: type[BaseModel]


@dataclass(frozen=True)
class Event:
    """One delivered event, as consumers receive it (a plain copy of its outbox row)."""

    id: int
    name: str
    workspace_id: int
    object_type: str
    object_id: int
    payload: dict[str, Any]
    actor_user_id: int | None
    actor_label: str
    occurred_at: dt.datetime
    depth: int
    workflow_id: int | None

    @classmethod
    def from_row(cls, row: OutboxEvent) -> Event:
        return cls(
            id=row.pk,
            name=row.name,
            workspace_id=row.workspace_id,
            object_type=row.object_type,
            object_id=row.object_id,
            payload=row.payload,
            actor_user_id=row.actor_user_id,
            actor_label=row.actor_label,
            occurred_at=row.occurred_at,
            depth=row.depth,
            workflow_id=row.workflow_id,
        )


EVENT_TYPES: dict[str, EventType] = {}
# Consumers by name, as dotted paths of `handler(event: Event) -> None`, resolved when called.
CONSUMERS: dict[str, str] = {}

_RECORD_VERBS: dict[str, tuple[type[BaseModel], str]] = {
    "created": (RecordSnapshot, "{label} was created."),
    "updated": (RecordChanges, "{label} was changed; the payload lists the changed fields."),
    "deleted": (RecordSnapshot, "{label} was deleted (records go to the restore bin)."),
    "restored": (RecordChanges, "{label} came back from the restore bin."),
    "erased": (RecordSnapshot, "{label} was deleted for good."),
    "accepted": (RecordSnapshot, "{label} was accepted."),
}
LIFECYCLE = ("created", "updated", "deleted", "restored", "erased")


def register_event_type(event_type: EventType) -> None:
    known = EVENT_TYPES.get(event_type.name)
    if known is not None and known != event_type:
        raise ValueError(f"event type {event_type.name} is registered twice, differently")
    EVENT_TYPES[event_type.name] = event_type


def register_record_events(
    object_type: str, label: str, verbs: tuple[str, ...] = LIFECYCLE
) -> None:
    """The events of one object type (by default its lifecycle); `label` reads "A contact"."""
    for verb in verbs:
        payload, description = _RECORD_VERBS[verb]
        register_event_type(
            EventType(
                f"{object_type}.{verb}", object_type, description.format(label=label), payload
            )
        )


def register_consumer(name: str, handler_path: str) -> None:
    """Add a consumer; called from an AppConfig.ready(). Delivery order across consumers is
    the registration order, and each consumer sees every event once it has committed."""
    CONSUMERS[name] = handler_path


def emit(
    principal: Principal, name: str, object_type: str, object_id: int, payload: dict[str, Any]
) -> OutboxEvent:
    """Write an event to the outbox in the current transaction. The name must be registered."""
    event_type = EVENT_TYPES.get(name)
    if event_type is None:
        raise LookupError(f"event type {name} is not registered")
    payload = event_type.payload.model_validate(payload).model_dump(mode="json")
    label = str(principal.extra.get("label", "")) or ("system" if principal.is_system else "")
    return OutboxEvent.objects.create(
        workspace_id=principal.workspace_id,
        name=name,
        object_type=object_type,
        object_id=object_id,
        payload=payload,
        actor_user_id=principal.user_id,
        actor_label=label[:200],
        depth=int(principal.extra.get(DEPTH_KEY, 0)),
        workflow_id=principal.extra.get(WORKFLOW_KEY),
    )


def emit_change(
    principal: Principal, action: str, object_type: str, object_id: int, changes: dict[str, Any]
) -> OutboxEvent | None:
    """The event of an audited change, when its type emits one (see ACTION_VERBS)."""
    verb = ACTION_VERBS.get(action)
    name = f"{object_type}.{verb}"
    if verb is None or name not in EVENT_TYPES:
        return None
    key = "record" if EVENT_TYPES[name].payload is RecordSnapshot else "changes"
    return emit(principal, name, object_type, object_id, {key: changes})


def events_markdown() -> str:
    """docs/events.md: every registered event type with its payload fields."""
    lines = [
        "# Domain events",
        "",
        "Generated by `rapport events`; a test fails when this file and the registry differ.",
        "Every event carries `id`, `name`, `workspace_id`, `object_type`, `object_id`,",
        "`actor_user_id`, `actor_label`, `occurred_at`, `depth` and `workflow_id`",
        "beside its payload.",
        "",
        "| Event | Description | Payload |",
        "| --- | --- | --- |",
    ]
    for name in sorted(EVENT_TYPES):
        event_type = EVENT_TYPES[name]
        fields = ", ".join(
            f"`{field}`: {info.description or ''}".strip()
            for field, info in event_type.payload.model_fields.items()
        )
        lines.append(f"| `{name}` | {event_type.description} | {fields} |")
    return "\n".join(lines) + "\n"
