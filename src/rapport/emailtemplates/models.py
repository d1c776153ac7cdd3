"""EmailTemplate: a named subject and plain-text body with merge fields, used by workflows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class EmailTemplate(WorkspaceScoped):
    """Jinja text checked on save (see rendering.py); rendered with merge_context's data.

    Deleting sets `deleted_at` (like a custom field) rather than removing the row, so a workflow
    that names the template can still say which one went away; the name is free to reuse.
    """

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    subject = models.CharField(max_length=200)
    body = models.TextField()  # at most services.MAX_BODY characters
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    # A template is a workspace setting: role scopes never look at who created it.
    OWNER_FIELD = None
    OBJECT_TYPE = "email_template"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace",
                Lower("name"),
                condition=Q(deleted_at__isnull=True),
                name="emailtemplate_unique_live_name_ci",
            )
        ]
        indexes = [models.Index(fields=["workspace", "name", "id"])]

    def __str__(self) -> str:
        return self.name
