"""Fixed-window counters in the shared cache (Redis or the database), for rate limits."""

from __future__ import annotations

import time

from django.core.cache import cache


def hit(bucket: str, limit: int, window_seconds: int) -> int | None:
    """Count one hit; return seconds to wait when the limit is exceeded, else None."""
    now = int(time.time())
    window = now // window_seconds
    key = f"rl:{bucket}:{window}"
    # Increment first: after the first hit of a window the key exists, so this is the cheap path.
    try:
        count = cache.incr(key)
    except ValueError:  # first hit of the window (or the key just expired)
        count = 1 if cache.add(key, 1, timeout=window_seconds + 1) else cache.incr(key)
    if count > limit:
        return (window + 1) * window_seconds - now or 1
    return None


def count(bucket: str, window_seconds: int) -> int:
    now = int(time.time())
    return int(cache.get(f"rl:{bucket}:{now // window_seconds}", 0))


def reset(bucket: str, window_seconds: int) -> None:
    now = int(time.time())
    cache.delete(f"rl:{bucket}:{now // window_seconds}")
