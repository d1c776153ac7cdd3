"""`rapport scheduler`: the scheduler and event dispatcher alone, without running jobs (for a
deployment that runs jobs elsewhere, e.g. on Redis workers)."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand

from rapport.core.management.commands.worker import holder_name
from rapport.core.scheduler import start_loops


class Command(BaseCommand):
    help = "Run due schedules and dispatch events until stopped."

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()

        def request_stop(signum: int, frame: FrameType | None) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        self.stdout.write("Scheduler running; Ctrl-C to stop.")
        for thread in start_loops(holder_name(), stop):
            while thread.is_alive():
                thread.join(1.0)
