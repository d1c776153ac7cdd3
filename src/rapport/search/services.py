"""Keeping the search index in sync; record services call these inside their transaction."""

from __future__ import annotations

from rapport.search.models import SearchEntry


def index_record(
    workspace_id: int,
    object_type: str,
    object_id: int,
    *,
    title: str,
    subtitle: str,
    terms: list[str],
    owner_id: int | None,
) -> None:
    """Insert or refresh the entry of one record; `terms` are the strings to match."""
    text = " ".join(t.strip().lower() for t in terms if t and t.strip())
    SearchEntry.objects.update_or_create(
        workspace_id=workspace_id,
        object_type=object_type,
        object_id=object_id,
        defaults={
            "title": title[:300],
            "subtitle": subtitle[:300],
            "text": text,
            "owner_id": owner_id,
        },
    )


def remove_record(workspace_id: int, object_type: str, object_id: int) -> None:
    """Drop a record from the index (soft delete hides it; restore indexes it again)."""
    SearchEntry.objects.filter(
        workspace_id=workspace_id, object_type=object_type, object_id=object_id
    ).delete()
