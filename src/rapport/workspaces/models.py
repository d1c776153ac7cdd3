"""Workspace, User, Membership, Role, Team, Invitation and ApiToken."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class Workspace(models.Model):
    """A tenant: every business row belongs to exactly one workspace."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=60, unique=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    default_currency = models.CharField(max_length=3, default="USD")
    default_country = models.CharField(max_length=2, default="US")
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser):
    """A staff login; belongs to workspaces through Memberships."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []
    objects = UserManager()

    def __str__(self) -> str:
        return self.full_name or self.email


class Role(WorkspaceScoped):
    """A named set of grants: object type -> action -> scope (own, team, all)."""

    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=100)
    is_builtin = models.BooleanField(default=False)
    grants = models.JSONField(default=dict)

    OWNER_FIELD = None

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workspace", "key"], name="role_unique_key")]

    def __str__(self) -> str:
        return self.name


class Membership(WorkspaceScoped):
    """A user's seat in a workspace, with the role that sets what they may do there."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="memberships")
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Away (holiday, leave) through this day, in the workspace's time zone: round-robin and
    # fewest-open assignment skip the member until the day after. None: not away.
    away_until = models.DateField(null=True, blank=True)

    OWNER_FIELD = None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user"], name="membership_unique_user")
        ]

    def is_away_on(self, day: dt.date) -> bool:
        return self.away_until is not None and self.away_until >= day


class Team(WorkspaceScoped):
    """A group of users; "team" record scope covers records owned by any teammate."""

    name = models.CharField(max_length=100)
    members = models.ManyToManyField(User, related_name="teams", blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "name"], name="team_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class Invitation(WorkspaceScoped):
    """An emailed link that lets someone set a password and join a workspace with a role."""

    email = models.EmailField()
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = None


class ApiToken(WorkspaceScoped):
    """A personal API token: shown once, stored as a SHA-256 hash, read or write, revocable."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=16)
    key_hash = models.CharField(max_length=64, unique=True)
    can_write = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = "user"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
