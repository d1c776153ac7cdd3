"""Workspace scoping: the abstract bases every business table builds on.

Every business row carries `workspace_id`; indexes lead with it. Rows are read through
`rapport.core.permissions.visible`, which applies the workspace before anything else, and written
through service functions that take a Principal (and so a workspace).
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone


class WorkspaceScoped(models.Model):
    """A row that belongs to exactly one workspace."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        abstract = True


class Record(WorkspaceScoped):
    """A business record: versioned for optimistic concurrency, soft-deletable, timestamped."""

    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Name of the ForeignKey to the owning User, used by record-scoped permissions.
    OWNER_FIELD: str | None = "owner"
    OBJECT_TYPE: str = ""

    class Meta:
        abstract = True

    @property
    def etag(self) -> str:
        return f'"{self.pk}-{self.version}"'

    def bump(self, **changes: Any) -> None:
        """Apply changes in memory and advance version and updated_at (the service saves)."""
        for name, value in changes.items():
            setattr(self, name, value)
        self.version += 1
        self.updated_at = timezone.now()
