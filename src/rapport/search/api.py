"""/api/v1/search: one box that finds contacts and companies by any part of what they hold."""

from __future__ import annotations

from typing import cast

from django.http import HttpRequest
from ninja import Router, Schema

from rapport.core.permissions import Principal
from rapport.search.queries import search as search_records

PREFIX = "/search"
router = Router(tags=["search"])


class SearchHit(Schema):
    object_type: str
    id: int
    title: str
    subtitle: str


class SearchResponse(Schema):
    query: str
    # Grouped by type, best match first: {"contact": [...], "company": [...]}.
    results: dict[str, list[SearchHit]]


@router.get("", response=SearchResponse)
def search(
    request: HttpRequest, q: str = "", types: str | None = None, limit: int = 20
) -> dict[str, object]:
    """Substring search over names, emails, phones (digits too) and domains."""
    principal = cast(Principal, request.auth)  # type: ignore[attr-defined]
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    found = search_records(principal, q, wanted, limit)
    results = {
        object_type: [
            {
                "object_type": r.object_type,
                "id": r.object_id,
                "title": r.title,
                "subtitle": r.subtitle,
            }
            for r in hits
        ]
        for object_type, hits in found.items()
    }
    return {"query": q, "results": results}
