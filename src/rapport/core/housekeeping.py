"""Scheduled clean-up of core tables: expired restore-bin records, old stored responses,
dispatched events and ended rate-limit windows. Each function takes the scheduler's `now` and
is safe to run twice."""

from __future__ import annotations

import datetime as dt

from rapport.core.dispatch import purge_dispatched_events
from rapport.core.models import IdempotencyRecord
from rapport.core.ratelimit import purge_ended_windows
from rapport.core.restore_bin import purge_expired

# How long a repeated Idempotency-Key replays its first response (Stripe keeps them 24 hours).
KEEP_IDEMPOTENCY = dt.timedelta(hours=24)


def purge_idempotency_records(now: dt.datetime) -> int:
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=now - KEEP_IDEMPOTENCY).delete()
    return deleted


def purge_restore_bin(now: dt.datetime) -> int:
    return sum(purge_expired(now).values())


def purge_events(now: dt.datetime) -> int:
    return purge_dispatched_events(now)


def purge_rate_counters(now: dt.datetime) -> int:
    return purge_ended_windows(int(now.timestamp()))
