"""CustomField: a per-workspace field definition; values live in each record's `custom` JSON.

Values are keyed by the field's immutable `key`, so renaming a field (its `label`) never touches
records; deleting a field hides its values and a purge job may remove them later.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped

FIELD_TYPES = (
    "text",
    "long_text",
    "integer",
    "decimal",
    "currency",
    "date",
    "datetime",
    "boolean",
    "single_select",
    "multi_select",
    "url",
    "email",
    "phone",
    "user",
)
OBJECT_TYPES = ("contact", "company", "deal", "ticket")


class CustomField(WorkspaceScoped):
    object_type = models.CharField(max_length=40, choices=[(t, t) for t in OBJECT_TYPES])
    key = models.SlugField(max_length=60)
    label = models.CharField(max_length=100)
    field_type = models.CharField(max_length=20, choices=[(t, t) for t in FIELD_TYPES])
    # single/multi select: [{"value": "emea", "label": "EMEA"}, ...]; currency: {"currency": "EUR"}
    options = models.JSONField(default=list, blank=True)
    is_required = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    help_text = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    OWNER_FIELD = None
    OBJECT_TYPE = "custom_field"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "object_type", "key"], name="customfield_unique_key"
            )
        ]
        indexes = [models.Index(fields=["workspace", "object_type", "position"])]

    def __str__(self) -> str:
        return f"{self.object_type}.{self.key}"
