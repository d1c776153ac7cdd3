"""`rapport createworkspace NAME EMAIL [--password P]`: a workspace and its owner."""

from __future__ import annotations

import getpass
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rapport.core.errors import Conflict, Invalid
from rapport.workspaces.models import User
from rapport.workspaces.services import create_workspace


class Command(BaseCommand):
    help = "Create a workspace with EMAIL as its owner (a new user unless the email exists)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name")
        parser.add_argument("email")
        parser.add_argument(
            "--password", help="the new owner's password (asked for when not given)"
        )

    def _password_for(self, email: str, given: str | None) -> str:
        password = given if given is not None else getpass.getpass(f"Password for {email}: ")
        try:
            validate_password(password, User(email=email))
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        return password

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["email"]).lower()
        owner = User.objects.filter(email__iexact=email).first()
        password = None if owner else self._password_for(email, options["password"])
        try:
            with transaction.atomic():
                if owner is None:
                    owner = User.objects.create_user(email, password)
                workspace = create_workspace(options["name"], owner)
        except (Invalid, Conflict) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Created workspace {workspace.name!r} ({workspace.slug}) for {email}.")
