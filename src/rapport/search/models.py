"""SearchEntry: one row per searchable record, kept in sync by the record's services.

The text index over `text` is database-specific (an FTS5 trigram table on SQLite, a pg_trgm GIN
index on PostgreSQL); see docs/decisions/0003-search.md.
"""

from __future__ import annotations

from django.db import models


class SearchEntry(models.Model):
    """The searchable text of one contact or company, with the owner its scope depends on."""

    workspace = models.ForeignKey(
        "workspaces.Workspace", on_delete=models.CASCADE, related_name="+"
    )
    object_type = models.CharField(max_length=40)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    text = models.TextField()  # lower-cased names, emails, phones, domains
    owner_id = models.BigIntegerField(null=True, blank=True)  # for record-scoped permissions

    # `visible` scopes "own"/"team" roles on f"{OWNER_FIELD}_id", which is the column above.
    OWNER_FIELD = "owner"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "object_type", "object_id"], name="searchentry_unique_object"
            )
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}"
