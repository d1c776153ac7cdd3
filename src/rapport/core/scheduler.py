"""Time-based work without cron: registered schedules, and the loop that runs them.

Apps register their recurring work in `AppConfig.ready()` with `register_schedule`: a function
`work(now)` that finds what is due up to `now` and does it (or enqueues jobs for it). The loop
runs inside `rapport worker` (or alone as `rapport scheduler`); a lease lets one scheduler act
at a time however many workers run. Each schedule's next run is counted from when it last ran,
so after downtime a missed run is caught up once, not once per missed interval; the work
itself must be safe to run twice (a crash between the work and the bookkeeping repeats it).

A second thread polls the event outbox and runs the dispatcher, so an event's consumers act
within a fraction of a second of its commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from rapport.core.dispatch import dispatch_events, has_pending_events
from rapport.core.leases import acquire_lease
from rapport.core.models import Schedule

logger = logging.getLogger(__name__)

LEASE = "scheduler"
LEASE_TTL = dt.timedelta(seconds=15)  # renewed every tick; a dead holder is replaced after it
TICK_SECONDS = 5.0  # how often due schedules are looked for
POLL_SECONDS = 0.2  # how often the outbox is looked at


@dataclass(frozen=True)
class ScheduledWork:
    name: str
    path: str  # dotted path of `work(now: datetime) -> Any`
    every: dt.timedelta


SCHEDULES: dict[str, ScheduledWork] = {}


def register_schedule(name: str, path: str, every: dt.timedelta) -> None:
    SCHEDULES[name] = ScheduledWork(name, path, every)


def _ensure_rows(now: dt.datetime) -> None:
    known = set(Schedule.objects.filter(name__in=SCHEDULES).values_list("name", flat=True))
    for name in SCHEDULES.keys() - known:
        try:
            with transaction.atomic():
                Schedule.objects.create(name=name, next_run_at=now)
        except IntegrityError:
            pass  # another scheduler created it first


def run_due_schedules(holder: str, now: dt.datetime | None = None) -> list[str]:
    """Run every schedule due at `now` (once each); the names run. [] without the lease."""
    now = now or timezone.now()
    if not acquire_lease(LEASE, holder, LEASE_TTL, now=now):
        return []
    _ensure_rows(now)
    ran = []
    due = Schedule.objects.filter(name__in=SCHEDULES, next_run_at__lte=now).order_by("next_run_at")
    for row in due:
        work = SCHEDULES[row.name]
        row.last_error = _run(work, now)
        row.last_run_at = now
        row.next_run_at = now + work.every
        row.save(update_fields=["last_error", "last_run_at", "next_run_at"])
        ran.append(row.name)
    return ran


def _run(work: ScheduledWork, now: dt.datetime) -> str:
    """Run one piece of work in its own transaction; its error message, or ""."""
    function: Callable[[dt.datetime], Any] = import_string(work.path)
    try:
        with transaction.atomic():
            function(now)
    except Exception as exc:
        logger.exception("scheduled work %s failed", work.name)
        return repr(exc)[:4000]
    return ""


def run_schedule_loop(holder: str, stop: threading.Event) -> None:
    """Until `stop` is set: run due schedules every TICK_SECONDS."""
    while not stop.is_set():
        close_old_connections()
        try:
            run_due_schedules(holder)
        except Exception:
            logger.exception("scheduler loop")
        stop.wait(TICK_SECONDS)
    connections.close_all()  # this thread's connections


def run_dispatch_loop(holder: str, stop: threading.Event) -> None:
    """Until `stop` is set: dispatch pending events as they come (a thread of its own, so slow
    scheduled work never holds events back)."""
    quiet_until = 0.0
    while not stop.is_set():
        close_old_connections()
        try:
            # When nothing went out (another worker holds the lease, or what is pending waits
            # for a retry), look again in a second rather than at every poll.
            pending = time.monotonic() >= quiet_until and has_pending_events()
            if pending and dispatch_events(holder) == 0:
                quiet_until = time.monotonic() + 1.0
        except Exception:
            logger.exception("dispatch loop")
        stop.wait(POLL_SECONDS)
    connections.close_all()  # this thread's connections


def start_loops(holder: str, stop: threading.Event) -> list[threading.Thread]:
    """The scheduler and the dispatcher, each in a daemon thread."""
    threads = [
        threading.Thread(target=loop, args=(holder, stop), name=loop.__name__, daemon=True)
        for loop in (run_schedule_loop, run_dispatch_loop)
    ]
    for thread in threads:
        thread.start()
    return threads
