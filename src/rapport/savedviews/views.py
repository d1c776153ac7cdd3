"""Pages: save a list's current columns, filters and sort as a view; update or delete one.

The list pages (contacts, companies, activities) show the views and post here; every answer is a
redirect back to the list, with a message saying what happened.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.pages import page_principal
from rapport.savedviews import services
from rapport.workspaces.auth import member_required

LIST_URLS = {
    "contact": "/contacts",
    "company": "/companies",
    "activity": "/activities",
    "deal": "/deals",
    "ticket": "/tickets",
}


def _state(request: HttpRequest) -> dict[str, object]:
    post = request.POST
    return {
        "columns": [c for c in post.get("columns", "").split(",") if c],
        "filters": post.getlist("filter"),
        "sort": post.get("sort", ""),
    }


def _back(object_type: str, view_id: int | None = None, query: str = "") -> HttpResponse:
    base = LIST_URLS.get(object_type, "/")
    if view_id is not None:
        return redirect(f"{base}?{urlencode({'view': view_id})}")
    return redirect(f"{base}?{query}" if query else base)


def _problem(request: HttpRequest, exc: Invalid | Conflict | Forbidden | NotFound) -> None:
    detail = "; ".join(e.msg for e in exc.errors) or exc.detail
    messages.error(request, f"The view was not saved. {detail}")


@require_POST
@member_required
def create_view(request: HttpRequest) -> HttpResponse:
    object_type = request.POST.get("object_type", "")
    try:
        view = services.create_saved_view(
            page_principal(request),
            object_type=object_type,
            name=request.POST.get("name", ""),
            is_shared=request.POST.get("is_shared") == "on",
            **_state(request),  # type: ignore[arg-type]
        )
    except (Invalid, Conflict, Forbidden, NotFound) as exc:
        _problem(request, exc)
        return _back(object_type, query=request.POST.get("list_query", ""))
    messages.success(request, f"View “{view.name}” saved.")
    return _back(object_type, view.pk)


@require_POST
@member_required
def update_view(request: HttpRequest, view_id: int) -> HttpResponse:
    object_type = request.POST.get("object_type", "")
    try:
        view = services.update_saved_view(page_principal(request), view_id, _state(request))
    except (Invalid, Conflict, Forbidden, NotFound) as exc:
        _problem(request, exc)
        return _back(object_type, query=request.POST.get("list_query", ""))
    messages.success(request, f"View “{view.name}” updated.")
    return _back(view.object_type, view.pk)


@require_POST
@member_required
def delete_view(request: HttpRequest, view_id: int) -> HttpResponse:
    object_type = request.POST.get("object_type", "")
    try:
        services.delete_saved_view(page_principal(request), view_id)
    except (Forbidden, NotFound) as exc:
        messages.error(request, f"The view was not deleted. {exc.detail}")
        return _back(object_type, view_id)
    messages.success(request, "View deleted.")
    return _back(object_type)
