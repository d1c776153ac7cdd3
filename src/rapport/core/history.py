"""Reading the audit log: the workspace-wide log for auditors, and one record's own history.

Two doors with two rules. `list_audit_entries` is the log of the whole workspace and needs the
"view" right on "audit". `list_record_history` is the history of one record and needs only the
right to view that record; the caller loads the record (core knows no domain model) and this
module checks it with the same permission policy as everything else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from rapport.core.models import AuditEntry
from rapport.core.pagination import Page, SortKey, keyset_page
from rapport.core.permissions import Principal, require
from rapport.core.tenancy import Record

NEWEST_FIRST = [SortKey("created_at", descending=True), SortKey("id", descending=True)]


@dataclass(frozen=True)
class AuditFilters:
    """Optional filters on the log; every one that is set must match."""

    object_type: str | None = None
    object_id: int | None = None
    actor_user_id: int | None = None
    action: str | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive

    def as_q(self) -> Q:
        lookups = {
            "object_type": self.object_type,
            "object_id": self.object_id,
            "actor_user_id": self.actor_user_id,
            "action": self.action,
            "created_at__gte": self.since,
            "created_at__lt": self.until,
        }
        return Q(**{name: value for name, value in lookups.items() if value is not None})


def _page(
    principal: Principal, filters: AuditFilters, cursor: str | None, limit: int
) -> Page[AuditEntry]:
    entries = AuditEntry.objects.filter(filters.as_q(), workspace_id=principal.workspace_id)
    return keyset_page(entries, NEWEST_FIRST, limit, cursor)


def list_audit_entries(
    principal: Principal,
    *,
    object_type: str | None = None,
    object_id: int | None = None,
    actor_user_id: int | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[AuditEntry]:
    """The workspace's audit log, newest first; Forbidden without the "view" right on audit."""
    require(principal, "view", "audit")
    filters = AuditFilters(object_type, object_id, actor_user_id, action, since, until)
    return _page(principal, filters, cursor, limit)


def list_record_history(
    principal: Principal,
    record: Record,
    *,
    actor_user_id: int | None = None,
    action: str | None = None,
    since: dt.datetime | None = None,
    until: dt.datetime | None = None,
    cursor: str | None = None,
    limit: int = 50,
) -> Page[AuditEntry]:
    """One record's audit entries, newest first, for anyone who may view the record.

    NotFound for another workspace's record, Forbidden outside the principal's view scope.
    """
    require(principal, "view", record.OBJECT_TYPE, record)
    filters = AuditFilters(record.OBJECT_TYPE, record.pk, actor_user_id, action, since, until)
    return _page(principal, filters, cursor, limit)
