"""The lifecycle every Record shares: a locked load, the restore bin, restore, and erasure.

Record services call these inside their transaction and then do their own follow-up (search
index, related rows), so the rules of deleting and restoring are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from django.utils import timezone

from rapport.core.audit import record_change
from rapport.core.errors import Forbidden, NotFound, PreconditionFailed
from rapport.core.permissions import Principal, require
from rapport.core.restore_bin import is_restorable
from rapport.core.tenancy import Record

R = TypeVar("R", bound=Record)
_LIFECYCLE_FIELDS = ["deleted_at", "version", "updated_at"]


def lock_record(model: type[R], principal: Principal, pk: int, deleted: bool | None) -> R:
    """The row of the principal's workspace, locked; `deleted` narrows to the bin or live rows."""
    qs = model._default_manager.select_for_update().filter(
        workspace_id=principal.workspace_id, pk=pk
    )
    if deleted is not None:
        qs = qs.filter(deleted_at__isnull=not deleted)
    record = qs.first()
    if record is None:
        raise NotFound(f"{model.OBJECT_TYPE} not found")
    return record


class Versioned(Protocol):
    version: int


def check_version(record: Versioned, expected: int | None) -> None:
    """Optimistic concurrency: PreconditionFailed when the record moved on since it was read."""
    if expected is not None and record.version != expected:
        raise PreconditionFailed(
            f"The record changed (now version {record.version}); fetch it and try again."
        )


def move_to_bin(principal: Principal, record: R, snapshot: Callable[[R], dict[str, Any]]) -> None:
    """Soft delete: the record leaves lists, search and timelines until restored."""
    require(principal, "delete", record.OBJECT_TYPE, record)
    record.bump(deleted_at=timezone.now())
    record.save(update_fields=_LIFECYCLE_FIELDS)
    record_change(principal, "delete", record.OBJECT_TYPE, record, snapshot(record))


def restore_from_bin(principal: Principal, record: R) -> None:
    """Undo a soft delete within the restore window; whoever may delete may restore."""
    require(principal, "delete", record.OBJECT_TYPE, record)
    if not is_restorable(record):
        raise NotFound(f"{record.OBJECT_TYPE} not found in the restore bin")
    deleted_at = record.deleted_at
    record.bump(deleted_at=None)
    record.save(update_fields=_LIFECYCLE_FIELDS)
    record_change(
        principal, "restore", record.OBJECT_TYPE, record, {"deleted_at": [deleted_at, None]}
    )


def erase(principal: Principal, record: R, snapshot: Callable[[R], dict[str, Any]]) -> None:
    """Delete for good (admins only); the audit log keeps the last snapshot."""
    require(principal, "delete", record.OBJECT_TYPE, record)
    if not principal.is_admin:
        raise Forbidden("Only admins can delete records permanently.")
    record_change(principal, "hard_delete", record.OBJECT_TYPE, record, snapshot(record))
    record.delete()
