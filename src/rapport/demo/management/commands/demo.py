"""`rapport demo [--if-empty] [--seed N] [--contacts N]`: seed the "Northwind Demo" workspace."""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rapport.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DEMO_USERS, DemoSize, seed_demo
from rapport.workspaces.models import User, Workspace


class Command(BaseCommand):
    help = "Seed the demo workspace (about 2,000 contacts) with a public demo password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when any workspace exists"
        )
        parser.add_argument("--seed", type=int, default=2024, help="random seed (deterministic)")
        parser.add_argument("--contacts", type=int, default=2000, help="size of the demo")
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even outside development, although the demo password is public",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and Workspace.objects.exists():
            self.stdout.write("A workspace exists already; no demo data added.")
            return
        if not (settings.DEV or settings.DEBUG or settings.TESTING or options["force"]):
            raise CommandError(
                "The demo users share a public password; seed them only on a development "
                "machine (RAPPORT_DEV=1) or pass --force."
            )
        if User.objects.filter(email=DEMO_OWNER_EMAIL).exists():
            raise CommandError(f"The demo is seeded already ({DEMO_OWNER_EMAIL} exists).")
        contacts = max(0, options["contacts"])
        size = DemoSize(contacts=contacts, companies=contacts // 5, activities=contacts * 3)
        started = time.monotonic()
        seeded = seed_demo(size, seed=options["seed"])
        self.stdout.write(
            f"Seeded {seeded.workspace.name!r}: {len(seeded.contacts)} contacts, "
            f"{len(seeded.companies)} companies, {seeded.activity_count} activities "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.stdout.write(f"Sign in as {DEMO_OWNER_EMAIL} / {DEMO_PASSWORD} (owner). Also:")
        for email, name, role, _ in DEMO_USERS[1:]:
            self.stdout.write(f"  {email:<30} {role:<14} {name}")
