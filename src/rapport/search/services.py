"""Keeping the search index in sync; record services call these inside their transaction.

Each write is one statement: an upsert or a delete. The database keeps its text index in step
(SQLite: triggers feeding an FTS5 table; PostgreSQL: a GIN index); see
docs/decisions/0003-search.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db import transaction

from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.search.indexing import company_entry, contact_entry
from rapport.search.models import SearchEntry

BATCH = 500
_REFRESHED = ["title", "subtitle", "text", "owner_id"]
_IDENTITY = ["workspace", "object_type", "object_id"]


def entry_text(terms: Iterable[str]) -> str:
    """The indexed text: each term trimmed and lower-cased, joined by single spaces."""
    return " ".join(" ".join(t.lower().split()) for t in terms if t and t.strip())


def _entry(
    workspace_id: int,
    object_type: str,
    object_id: int,
    *,
    title: str,
    subtitle: str,
    terms: list[str],
    owner_id: int | None,
) -> SearchEntry:
    return SearchEntry(
        workspace_id=workspace_id,
        object_type=object_type,
        object_id=object_id,
        title=title[:300],
        subtitle=(subtitle or "")[:300],
        text=entry_text(terms),
        owner_id=owner_id,
    )


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
    entry = _entry(
        workspace_id,
        object_type,
        object_id,
        title=title,
        subtitle=subtitle,
        terms=terms,
        owner_id=owner_id,
    )
    SearchEntry.objects.bulk_create(
        [entry], update_conflicts=True, unique_fields=_IDENTITY, update_fields=_REFRESHED
    )


def remove_record(workspace_id: int, object_type: str, object_id: int) -> None:
    """Drop a record from the index (soft delete hides it; restore indexes it again)."""
    SearchEntry.objects.filter(
        workspace_id=workspace_id, object_type=object_type, object_id=object_id
    ).delete()


def _live_entries(workspace_id: int) -> Iterator[SearchEntry]:
    contacts = Contact.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True)
    for contact in contacts.prefetch_related("emails", "phones").iterator(chunk_size=BATCH):
        yield _entry(**contact_entry(contact))
    companies = Company.objects.filter(workspace_id=workspace_id, deleted_at__isnull=True)
    for company in companies.prefetch_related("domains").iterator(chunk_size=BATCH):
        yield _entry(**company_entry(company))


def rebuild_index(workspace_id: int) -> int:
    """Re-index every live contact and company of a workspace; returns the entry count.

    For the demo seeder and after imports: a few queries per 500 records instead of one
    upsert per record.
    """
    count = 0
    with transaction.atomic():
        SearchEntry.objects.filter(
            workspace_id=workspace_id, object_type__in=["contact", "company"]
        ).delete()
        batch: list[SearchEntry] = []
        for entry in _live_entries(workspace_id):
            batch.append(entry)
            if len(batch) == BATCH:
                count += len(SearchEntry.objects.bulk_create(batch))
                batch = []
        count += len(SearchEntry.objects.bulk_create(batch))
    return count
