"""Writing the audit log: every service write calls `record_change` inside its transaction.

`record_change` also writes the change's domain event to the outbox (rapport.core.events), so
the audit entry and the event commit, or roll back, with the change itself. Events about an
object type rather than one record (an export) use `record_event` and emit no domain event.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from rapport.core.events import emit_change
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal


def jsonable(value: Any) -> Any:
    """A value as the audit log (and event payloads) store it."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, models.Model):
        return value.pk
    return value


def diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [before, after]} for each field whose value changed."""
    changed: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = jsonable(before.get(name)), jsonable(after.get(name))
        if old != new:
            changed[name] = [old, new]
    return changed


def record_change(
    principal: Principal,
    action: str,
    object_type: str,
    obj: models.Model,
    changes: dict[str, Any],
) -> AuditEntry:
    entry = _write(principal, action, object_type, obj.pk, str(obj), changes)
    emit_change(principal, action, object_type, obj.pk, entry.changes)
    return entry


def record_event(
    principal: Principal, action: str, object_type: str, details: dict[str, Any]
) -> AuditEntry:
    """Log an action on an object type as a whole (e.g. an export and its filters).

    Such an entry has object_id 0, which no record has, so it never shows in a record's History.
    """
    return _write(principal, action, object_type, 0, "", details)


def _write(
    principal: Principal,
    action: str,
    object_type: str,
    object_id: int,
    object_repr: str,
    changes: dict[str, Any],
) -> AuditEntry:
    label = str(principal.extra.get("label", "")) or ("system" if principal.is_system else "")
    return AuditEntry.objects.create(
        workspace_id=principal.workspace_id,
        actor_user_id=principal.user_id,
        actor_token_id=principal.token_id,
        actor_label=label[:200],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:300],
        changes=jsonable(changes),
        request_id=principal.request_id,
    )
