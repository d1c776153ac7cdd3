"""The scheduler: due work runs once, missed runs are caught up once, one scheduler at a time."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.utils import timezone

from rapport.core import scheduler
from rapport.core.leases import acquire_lease, release_lease
from rapport.core.models import Lease, Schedule

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
RUNS: list[dt.datetime] = []


def count_run(now: dt.datetime) -> None:
    RUNS.append(now)


def failing_work(now: dt.datetime) -> None:
    Lease.objects.create(name="half-done", expires_at=now)  # rolled back with the failure
    raise ValueError("the mail server is down")


@pytest.fixture
def schedules(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        scheduler,
        "SCHEDULES",
        {
            "every-minute": scheduler.ScheduledWork(
                "every-minute", "tests.core.test_scheduler.count_run", dt.timedelta(minutes=1)
            )
        },
    )
    RUNS.clear()
    yield
    RUNS.clear()


def test_due_work_runs_once_until_its_interval_passes(schedules: None) -> None:
    assert scheduler.run_due_schedules("w", now=T0) == ["every-minute"]
    assert scheduler.run_due_schedules("w", now=T0 + dt.timedelta(seconds=30)) == []
    assert scheduler.run_due_schedules("w", now=T0 + dt.timedelta(seconds=61)) == ["every-minute"]
    assert [T0, T0 + dt.timedelta(seconds=61)] == RUNS
    row = Schedule.objects.get(name="every-minute")
    assert row.next_run_at == T0 + dt.timedelta(seconds=121)


def test_a_missed_run_is_caught_up_once_not_once_per_interval(schedules: None) -> None:
    scheduler.run_due_schedules("w", now=T0)
    back = T0 + dt.timedelta(hours=3)  # the worker was down for three hours
    assert scheduler.run_due_schedules("w", now=back) == ["every-minute"]
    assert scheduler.run_due_schedules("w", now=back + dt.timedelta(seconds=5)) == []
    assert [T0, back] == RUNS


def test_only_the_lease_holder_runs_schedules(schedules: None) -> None:
    assert acquire_lease(scheduler.LEASE, "worker-a", scheduler.LEASE_TTL, now=T0)
    assert scheduler.run_due_schedules("worker-b", now=T0) == []
    assert RUNS == []
    expired = T0 + scheduler.LEASE_TTL + dt.timedelta(seconds=1)  # worker-a died
    assert scheduler.run_due_schedules("worker-b", now=expired) == ["every-minute"]
    assert Lease.objects.get(name=scheduler.LEASE).holder == "worker-b"


def test_failed_work_is_rolled_back_recorded_and_tried_at_the_next_interval(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = scheduler.ScheduledWork(
        "flaky", "tests.core.test_scheduler.failing_work", dt.timedelta(minutes=5)
    )
    monkeypatch.setattr(scheduler, "SCHEDULES", {"flaky": work})
    assert scheduler.run_due_schedules("w", now=T0) == ["flaky"]
    row = Schedule.objects.get(name="flaky")
    assert "the mail server is down" in row.last_error
    assert row.next_run_at == T0 + dt.timedelta(minutes=5)
    assert not Lease.objects.filter(name="half-done").exists()


def test_a_released_lease_can_be_taken_at_once() -> None:
    assert acquire_lease("x", "a", dt.timedelta(minutes=1))
    assert not acquire_lease("x", "b", dt.timedelta(minutes=1))
    assert acquire_lease("x", "a", dt.timedelta(minutes=1))  # the holder renews
    release_lease("x", "a")
    assert acquire_lease("x", "b", dt.timedelta(minutes=1))


def test_core_housekeeping_is_scheduled() -> None:
    # Registered by CoreConfig.ready(); the real registry, not the fixture's.
    purges = {"purge-events", "purge-idempotency", "purge-restore-bin", "purge-rate-counters"}
    assert purges <= set(scheduler.SCHEDULES)
    ran = scheduler.run_due_schedules("w", now=timezone.now())
    assert purges <= set(ran)
    assert Schedule.objects.filter(last_error="").count() == len(ran)


@pytest.mark.django_db(transaction=True)
def test_the_worker_threads_dispatch_events_and_run_schedules_until_stopped(
    schedules: None,
) -> None:
    import threading
    import time

    from rapport.contacts.services import create_contact
    from rapport.core.models import OutboxEvent
    from tests.conftest import make_workspace, owner_principal

    create_contact(owner_principal(make_workspace()), {"first_name": "Ada"})
    stop = threading.Event()
    threads = scheduler.start_loops("thread-test", stop)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists() and RUNS:
                break
            time.sleep(0.1)
    finally:
        stop.set()
        for thread in threads:
            thread.join(10)
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert len(RUNS) == 1  # the every-minute schedule ran once
    assert not any(thread.is_alive() for thread in threads)
