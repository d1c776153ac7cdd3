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

from rapport.core.tenancy import Record


def restore_deadline(deleted_at: dt.datetime) -> dt.datetime:
    return deleted_at + dt.timedelta(days=settings.RESTORE_BIN_DAYS)


def is_restorable(record: Record, now: dt.datetime | None = None) -> bool:
    if record.deleted_at is None:
        return False
    return (now or timezone.now()) < restore_deadline(record.deleted_at)


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
