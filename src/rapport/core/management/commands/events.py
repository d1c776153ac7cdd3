"""`rapport events`: print the registry of domain events as Markdown (docs/events.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.core.events import events_markdown


class Command(BaseCommand):
    help = "Print every domain event type and its payload, as docs/events.md lists them."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(events_markdown(), ending="")
