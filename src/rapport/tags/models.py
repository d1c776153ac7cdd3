"""Tag: a workspace-wide label that can be put on contacts, companies and later other records."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class Tag(WorkspaceScoped):
    name = models.CharField(max_length=60)
    color = models.CharField(max_length=7, default="#64748b")
    created_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1)

    OWNER_FIELD = None
    OBJECT_TYPE = "tag"

    class Meta:
        constraints = [
            models.UniqueConstraint("workspace", Lower("name"), name="tag_unique_name_ci")
        ]

    def __str__(self) -> str:
        return self.name
