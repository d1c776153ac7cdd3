"""Fixed-window rate limiting, in the RateCounter table and in Redis."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator

import pytest
from django.core.cache import cache
from django.test import override_settings

from rapport.core import ratelimit
from rapport.core.housekeeping import purge_rate_counters
from rapport.core.models import RateCounter

pytestmark = pytest.mark.django_db
REDIS = "redis://127.0.0.1:6379/15"


@pytest.fixture(params=["table", "redis"])
def store(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "table":
        yield "table"
        return
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS}
    }
    with override_settings(REDIS_URL=REDIS, CACHES=caches):
        yield f"redis-{uuid.uuid4().hex}"  # bucket prefix: test runs share the Redis server
        cache.clear()


def test_hits_up_to_the_limit_pass_and_the_next_waits_for_the_window(store: str) -> None:
    results = [ratelimit.hit(f"{store}:token:7", limit=3, window_seconds=60) for _ in range(4)]
    assert results[:3] == [None, None, None]
    assert results[3] is not None and 1 <= results[3] <= 60
    assert ratelimit.count(f"{store}:token:7", 60) == 4
    assert ratelimit.hit(f"{store}:token:8", limit=3, window_seconds=60) is None  # separate


def test_reset_starts_the_window_again(store: str) -> None:
    for _ in range(3):
        ratelimit.hit(f"{store}:email:a@b.co", limit=2, window_seconds=300)
    ratelimit.reset(f"{store}:email:a@b.co", 300)
    assert ratelimit.count(f"{store}:email:a@b.co", 300) == 0
    assert ratelimit.hit(f"{store}:email:a@b.co", limit=2, window_seconds=300) is None


def test_the_table_keeps_one_row_per_window_and_housekeeping_sweeps_ended_ones() -> None:
    RateCounter.objects.create(bucket="token:1", window_start=0, expires=60, hits=9)
    for _ in range(5):
        ratelimit.hit("token:1", limit=100, window_seconds=60)
    rows = sorted(RateCounter.objects.values_list("window_start", "hits"))
    assert [hits for _, hits in rows] == [9, 5]  # a hit never sweeps (no extra query)
    now = dt.datetime.now(dt.UTC)
    assert purge_rate_counters(now) == 1  # the window that ended in 1970
    assert list(RateCounter.objects.values_list("bucket", "hits")) == [("token:1", 5)]
