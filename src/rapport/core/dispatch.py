"""The event dispatcher: delivers outbox events to every consumer, at least once, in order per
record, without applying an effect twice.

One dispatcher acts at a time (a lease), reading pending events in id order in batches. Each
batch is one transaction: every consumer's database effects, and the mark that it took the
event, commit together, so a worker killed mid-batch leaves the whole batch pending and the
next dispatcher delivers it again with nothing applied twice. A consumer that raises is rolled
back alone (a savepoint), the event is retried with backoff, and later events of the same record
wait for it; after MAX_ATTEMPTS it is set aside with its error so the rest can go on.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string

from rapport.core.events import CONSUMERS, Event
from rapport.core.leases import acquire_lease, release_lease
from rapport.core.models import OutboxEvent

logger = logging.getLogger(__name__)

LEASE = "event-dispatcher"
LEASE_TTL = dt.timedelta(seconds=10)  # renewed every batch
BATCH_SIZE = 100
MAX_BATCHES = 50  # per call, so the lease is renewed and other work gets a turn
MAX_ATTEMPTS = 6
KEEP_DISPATCHED = dt.timedelta(days=7)

RecordKey = tuple[int, str, int]


@functools.cache
def _handler(path: str) -> Callable[[Event], Any]:
    return import_string(path)


def _pending(now: dt.datetime) -> Any:
    return OutboxEvent.objects.filter(dispatched_at__isnull=True).filter(
        Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    )


def has_pending_events(now: dt.datetime | None = None) -> bool:
    return bool(_pending(now or timezone.now()).exists())


def dispatch_events(holder: str, now: dt.datetime | None = None) -> int:
    """Deliver pending events; returns how many were dispatched (0 if another holds the lease)."""
    if not acquire_lease(LEASE, holder, LEASE_TTL):
        return 0
    dispatched = 0
    try:
        for _ in range(MAX_BATCHES):
            done = _dispatch_batch(now or timezone.now())
            dispatched += done
            if done == 0 or not acquire_lease(LEASE, holder, LEASE_TTL):
                break
    finally:
        release_lease(LEASE, holder)
    return dispatched


def _waiting_records(now: dt.datetime) -> dict[RecordKey, int]:
    """Records with an event in backoff, and that event's id: their later events must wait."""
    rows = OutboxEvent.objects.filter(dispatched_at__isnull=True, retry_at__gt=now).values_list(
        "workspace_id", "object_type", "object_id", "id"
    )
    waiting: dict[RecordKey, int] = {}
    for workspace_id, object_type, object_id, pk in rows:
        key = (workspace_id, object_type, object_id)
        waiting[key] = min(pk, waiting.get(key, pk))
    return waiting


@transaction.atomic
def _dispatch_batch(now: dt.datetime) -> int:
    waiting = _waiting_records(now)
    rows = list(_pending(now).select_for_update().order_by("id")[:BATCH_SIZE])
    dispatched = 0
    for row in rows:
        key = (row.workspace_id, row.object_type, row.object_id)
        if key in waiting and waiting[key] < row.pk:
            continue
        if _deliver(row, now):
            dispatched += 1
        else:
            waiting.setdefault(key, row.pk)
    return dispatched


def _deliver(row: OutboxEvent, now: dt.datetime) -> bool:
    """Hand the event to each consumer that has not taken it; True once all have."""
    event = Event.from_row(row)
    errors = []
    for name, path in CONSUMERS.items():
        if name in row.delivered_to:
            continue
        try:
            with transaction.atomic():
                _handler(path)(event)
        except Exception as exc:
            logger.exception("consumer %s failed on event %s (%s)", name, row.pk, row.name)
            errors.append(f"{name}: {exc!r}")
            continue
        row.delivered_to = [*row.delivered_to, name]
    if errors:
        row.attempts += 1
        row.last_error = "\n".join(errors)[:4000]
        if row.attempts >= MAX_ATTEMPTS:
            row.dispatched_at = now  # set aside: the error stays on the row
        else:
            row.retry_at = now + dt.timedelta(seconds=2**row.attempts)
    else:
        row.dispatched_at = now
        row.retry_at = None
    row.save(update_fields=["delivered_to", "attempts", "last_error", "retry_at", "dispatched_at"])
    return not errors


def purge_dispatched_events(now: dt.datetime) -> int:
    """Drop events dispatched more than KEEP_DISPATCHED ago (a scheduled job)."""
    cutoff = now - KEEP_DISPATCHED
    deleted, _ = OutboxEvent.objects.filter(dispatched_at__lt=cutoff).delete()
    return deleted
