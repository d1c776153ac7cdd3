"""Core plumbing: tenancy, permissions, errors, audit, events, scheduler. Imports no domain app."""

import datetime as dt

from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "rapport.core"
    label = "core"

    def ready(self) -> None:
        from rapport.core.scheduler import register_schedule

        hourly, daily = dt.timedelta(hours=1), dt.timedelta(days=1)
        register_schedule("purge-events", "rapport.core.housekeeping.purge_events", hourly)
        register_schedule(
            "purge-idempotency", "rapport.core.housekeeping.purge_idempotency_records", hourly
        )
        register_schedule("purge-restore-bin", "rapport.core.housekeeping.purge_restore_bin", daily)
        register_schedule(
            "purge-rate-counters",
            "rapport.core.housekeeping.purge_rate_counters",
            dt.timedelta(minutes=5),
        )
