"""SavedView: a named list configuration (columns, filters, sort) for one object type."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped

# The object types whose lists can be saved. Deals and tickets add theirs here; the service
# validates against this tuple (no model choices, so adding a type needs no migration).
OBJECT_TYPES: tuple[str, ...] = ("contact", "company", "activity", "deal", "ticket")


class SavedView(WorkspaceScoped):
    """A list's columns, filter terms and sort, private to its owner or shared with everyone.

    `filters` and `sort` are stored exactly as the API's `filter` and `sort` parameters; only
    their syntax is checked on save, because whether a field exists depends on custom fields
    that may change later (a stale field is reported when the list runs).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    name = models.CharField(max_length=100)
    is_shared = models.BooleanField(default=False)
    columns = models.JSONField(default=list, blank=True)  # field names, e.g. "custom.score"
    filters = models.JSONField(default=list, blank=True)  # "field:operator:value" terms
    sort = models.CharField(max_length=200, blank=True)  # e.g. "-created_at,last_name"
    position = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    # A private view belongs to its owner alone, whatever a role's record scope says; shared
    # views are a workspace setting. So role scopes never look at `owner` (see services.py).
    OWNER_FIELD = None
    OBJECT_TYPE = "saved_view"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace",
                "owner",
                "object_type",
                Lower("name"),
                condition=Q(is_shared=False),
                name="savedview_unique_private_name_ci",
            ),
            models.UniqueConstraint(
                "workspace",
                "object_type",
                Lower("name"),
                condition=Q(is_shared=True),
                name="savedview_unique_shared_name_ci",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "object_type", "is_shared", "position"])]

    def __str__(self) -> str:
        return self.name
