"""CannedResponse (a reusable reply) and Macro (a set of ticket changes applied in one click)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class CannedResponse(WorkspaceScoped):
    """Rich text (sanitised HTML) with merge fields, rendered for one ticket (rendering.py).

    Shared responses are a workspace setting under the *canned_response* grant; a personal one
    (`is_shared` false) belongs to its owner alone, who needs only the right to view responses.
    Deleting sets `deleted_at`, so a macro naming the response can tell that it is gone.
    """

    title = models.CharField(max_length=100)
    body = models.TextField()  # at most services.MAX_BODY characters
    is_shared = models.BooleanField(default=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # Record scopes never apply: sharing decides who sees a response (see queries.py).
    OWNER_FIELD = None
    OBJECT_TYPE = "canned_response"

    class Meta:
        indexes = [
            models.Index(fields=["workspace", "is_shared", "title", "id"]),
            models.Index(fields=["workspace", "owner", "title", "id"]),
        ]

    def __str__(self) -> str:
        return self.title


class Macro(WorkspaceScoped):
    """Ticket changes (`actions`, validated by actions.MacroActions) applied in one transaction."""

    title = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    actions = models.JSONField(default=dict)  # actions.MacroActions, only the keys set
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    OWNER_FIELD = None  # a workspace setting
    OBJECT_TYPE = "macro"

    class Meta:
        indexes = [models.Index(fields=["workspace", "title", "id"])]

    def __str__(self) -> str:
        return self.title
