"""Fixed-window rate limiting over the shared cache (the database cache here)."""

from __future__ import annotations

import pytest

from rapport.core import ratelimit

pytestmark = pytest.mark.django_db


def test_hits_up_to_the_limit_pass_and_the_next_waits_for_the_window() -> None:
    results = [ratelimit.hit("token:7", limit=3, window_seconds=60) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and 1 <= results[3] <= 60
    assert ratelimit.count("token:7", 60) == 4
    assert ratelimit.hit("token:8", limit=3, window_seconds=60) is None  # buckets are separate


def test_reset_starts_the_window_again() -> None:
    for _ in range(3):
        ratelimit.hit("email:a@b.co", limit=2, window_seconds=300)
    ratelimit.reset("email:a@b.co", 300)
    assert ratelimit.count("email:a@b.co", 300) == 0
    assert ratelimit.hit("email:a@b.co", limit=2, window_seconds=300) is None
