"""`rapport worker`: runs jobs (django-tasks' database worker) and, beside them in a thread, the
scheduler and event dispatcher (rapport.core.scheduler). Run as many workers as you like: leases
let one of them schedule and dispatch at a time, and any of them runs jobs."""

from __future__ import annotations

import socket
import threading
import uuid
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from rapport.core.dispatch import dispatch_events
from rapport.core.scheduler import start_loops

JOB_POLL_SECONDS = 0.2  # an idle worker looks for jobs this often (django-tasks default: 1 s)


def holder_name() -> str:
    """Who holds a lease: host, and a random part so two processes on a host differ."""
    return f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


class Command(BaseCommand):
    help = "Run background jobs, the scheduler and the event dispatcher."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--queue-name", default="*", help="queues to run; * for all")
        parser.add_argument("--no-scheduler", action="store_true", help="run jobs only")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--batch", action="store_true", help="dispatch pending events, run queued jobs, exit"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        stop = threading.Event()
        if options["batch"]:
            dispatch_events(holder_name())
        elif not options["no_scheduler"]:
            start_loops(holder_name(), stop)
        extra: dict[str, Any] = {"batch": True, "startup_delay": False} if options["batch"] else {}
        if options["max_tasks"]:
            extra["max_tasks"] = options["max_tasks"]
        try:
            call_command(
                "db_worker",
                queue_name=options["queue_name"],
                interval=JOB_POLL_SECONDS,
                reload=False,
                verbosity=options["verbosity"],
                **extra,
            )
        finally:
            stop.set()
