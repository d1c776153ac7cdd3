"""The shell's template context: who is signed in, where, and the navigation they may use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from rapport.core.pages import nav_items
from rapport.core.permissions import Principal
from rapport.workspaces.queries import workspaces_of


def shell(request: HttpRequest) -> dict[str, Any]:
    """Only pages behind `member_required` have a principal; the rest get nothing."""
    principal = getattr(request, "principal", None)
    if not isinstance(principal, Principal):
        return {}
    user = request.user
    nav = nav_items(principal)
    path = request.path
    workspaces = SimpleLazyObject(lambda: list(workspaces_of(user)))  # type: ignore[arg-type]
    return {
        "principal": principal,
        "nav": nav,
        "nav_current": next(
            (i.url for i in nav if path == i.url or path.startswith(i.url + "/")), None
        ),
        "workspaces": workspaces,
        "current_workspace": SimpleLazyObject(
            lambda: next(w for w in workspaces if w.pk == principal.workspace_id)
        ),
    }
