"""`rapport purgebin`: remove records that have been in the restore bin past its window."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rapport.core.restore_bin import purge_expired


class Command(BaseCommand):
    help = "Hard-delete soft-deleted records older than RESTORE_BIN_DAYS (default 30)."

    def handle(self, *args: Any, **options: Any) -> None:
        purged = purge_expired()
        for label, count in sorted(purged.items()):
            self.stdout.write(f"{label}: {count}")
        self.stdout.write(f"purged {sum(purged.values())} records")
