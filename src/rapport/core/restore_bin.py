"""The restore bin: soft-deleted records stay restorable for RESTORE_BIN_DAYS, then are purged.

Generic over every concrete `Record` model, so core needs no knowledge of domain apps. The audit
log keeps its entries for purged records (it refers to them by type and id only).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.core.models import AuditEntry
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.core.tenancy import Record


def restore_deadline(deleted_at: dt.datetime) -> dt.datetime:
    return deleted_at + dt.timedelta(days=settings.RESTORE_BIN_DAYS)


def is_restorable(record: Record, now: dt.datetime | None = None) -> bool:
    if record.deleted_at is None:
        return False
    return (now or timezone.now()) < restore_deadline(record.deleted_at)


def list_bin(
    principal: Principal, model: type[Record], limit: int, cursor: str | None
) -> Page[Record]:
    """Records of one model in the bin that the principal may restore (their delete right),
    still inside the window, most recently deleted first."""
    cutoff = timezone.now() - dt.timedelta(days=settings.RESTORE_BIN_DAYS)
    queryset = visible(
        principal, model._default_manager.all(), model.OBJECT_TYPE, "delete", in_bin=True
    ).filter(deleted_at__gt=cutoff)
    keys = parse_sort("-deleted_at", {"deleted_at", "id"}, "-deleted_at")
    return keyset_page(queryset, keys, limit, cursor)


def deleted_by(principal: Principal, object_type: str, ids: list[int]) -> dict[int, str]:
    """{record id: who moved it to the bin} from the audit log, in one query."""
    entries = AuditEntry.objects.filter(
        workspace_id=principal.workspace_id,
        object_type=object_type,
        object_id__in=ids,
        action="delete",
    ).order_by("object_id", "created_at", "id")
    # Ordered oldest first, so each record keeps its latest deletion.
    rows = entries.values_list("object_id", "actor_label")
    return {object_id: label or "System" for object_id, label in rows}


def purge_expired(now: dt.datetime | None = None) -> dict[str, int]:
    """Hard-delete records whose restore window has passed; returns counts per model label."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.RESTORE_BIN_DAYS)
    purged: dict[str, int] = {}
    for model in apps.get_models():
        if not issubclass(model, Record):
            continue
        with transaction.atomic():
            count, _ = model._default_manager.filter(deleted_at__lt=cutoff).delete()
        if count:
            purged[model._meta.label] = count
    return purged
