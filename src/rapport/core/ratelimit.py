"""Fixed-window rate-limit counters, shared by every web process.

With REDIS_URL set the counters live in Redis (an atomic INCR). Without it they live in the
RateCounter table: one upsert per hit that returns the new count. It is unlogged on PostgreSQL,
so counting an API request costs no WAL flush; ended windows are swept by housekeeping. Losing
counters in a crash only forgives a window.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

from rapport.core.models import RateCounter

_TABLE = RateCounter._meta.db_table
_UPSERT = (
    f"INSERT INTO {_TABLE} (bucket, window_start, expires, hits) VALUES (%s, %s, %s, 1) "  # noqa: S608 - constant table name
    f"ON CONFLICT (bucket, window_start) DO UPDATE SET hits = {_TABLE}.hits + 1 RETURNING hits"
)


def _window(window_seconds: int) -> tuple[int, int]:
    """(now, start of the current window) in whole seconds since the epoch."""
    now = int(time.time())
    return now, now - now % window_seconds


def _cache_key(bucket: str, start: int) -> str:
    return f"rl:{bucket}:{start}"


def _count_in_cache(bucket: str, start: int, window_seconds: int) -> int:
    key = _cache_key(bucket, start)
    try:
        return int(cache.incr(key))
    except ValueError:  # first hit of the window (or the key just expired)
        return 1 if cache.add(key, 1, timeout=window_seconds + 1) else int(cache.incr(key))


def _count_in_table(bucket: str, start: int, window_seconds: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(_UPSERT, [bucket, start, start + window_seconds])
        return int(cursor.fetchone()[0])


def purge_ended_windows(now: int | None = None) -> int:
    """Delete the table's counters of windows that have ended (a housekeeping schedule; never
    on a request, so a request's work does not depend on where in the minute it falls)."""
    ended = int(time.time()) if now is None else now
    deleted, _ = RateCounter.objects.filter(expires__lt=ended).delete()
    return deleted


def hit(bucket: str, limit: int, window_seconds: int) -> int | None:
    """Count one hit; return seconds to wait when the limit is exceeded, else None."""
    now, start = _window(window_seconds)
    counter = _count_in_cache if settings.REDIS_URL else _count_in_table
    if counter(bucket, start, window_seconds) > limit:
        return start + window_seconds - now or 1
    return None


def count(bucket: str, window_seconds: int) -> int:
    _, start = _window(window_seconds)
    if settings.REDIS_URL:
        return int(cache.get(_cache_key(bucket, start), 0))
    row = RateCounter.objects.filter(bucket=bucket, window_start=start).values("hits").first()
    return int(row["hits"]) if row else 0


def reset(bucket: str, window_seconds: int) -> None:
    _, start = _window(window_seconds)
    if settings.REDIS_URL:
        cache.delete(_cache_key(bucket, start))
    else:
        RateCounter.objects.filter(bucket=bucket, window_start=start).delete()
