"""Pages: the global search palette's results, and a plain results page without script."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.core.pages import page_principal
from rapport.search.queries import search as search_records
from rapport.workspaces.auth import member_required

LABELS = {"contact": "Contacts", "company": "Companies", "ticket": "Tickets"}
URLS = {"contact": "/contacts/{}", "company": "/companies/{}", "ticket": "/tickets/id/{}"}
LIMIT = 8  # per type in the palette; the page shows more


def _groups(request: HttpRequest, limit: int) -> tuple[str, list[dict[str, Any]]]:
    q = request.GET.get("q", "").strip()[:200]
    found = search_records(page_principal(request), q, None, limit) if q else {}
    groups = [
        {
            "type": object_type,
            "label": LABELS.get(object_type, object_type),
            "hits": [{"hit": hit, "url": URLS[object_type].format(hit.object_id)} for hit in hits],
        }
        for object_type, hits in found.items()
        if hits and object_type in URLS
    ]
    return q, groups


@require_GET
@member_required
def search_results(request: HttpRequest) -> HttpResponse:
    q, groups = _groups(request, LIMIT)
    return render(request, "search/results.html#results", {"q": q, "groups": groups})


@require_GET
@member_required
def search_page(request: HttpRequest) -> HttpResponse:
    q, groups = _groups(request, 50)
    return render(request, "search/results.html", {"q": q, "groups": groups})
