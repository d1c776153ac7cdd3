"""Reads about saved views, and the one query that decides which views a principal sees.

Not `core.permissions.visible(..., "saved_view")`: a view is seen through the right to view its
object type (a sales rep sees the workspace's shared contact views without any saved_view
grant), and a private view is its owner's alone, whatever a role's record scope says. The
scoping below still filters by workspace first, as every index leads with workspace_id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Q, QuerySet
from django.http import QueryDict

from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid, NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.list_state import ListState
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, can
from rapport.savedviews.models import OBJECT_TYPES, SavedView

LIST_FILTERS = {
    "name": FilterField("name"),
    "object_type": FilterField("object_type"),
    "is_shared": FilterField("is_shared", "boolean"),
    "owner_id": FilterField("owner_id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
LIST_SORTS = {"is_shared", "position", "name", "created_at", "updated_at", "id"}
# The principal's own private views first, then the shared ones, each in their order.
DEFAULT_SORT = "is_shared,position,name"
LIST_PAGE_VIEWS = 100  # a list page offers at most this many views


def visible_saved_views(principal: Principal) -> QuerySet[SavedView]:
    """Shared views of the workspace plus the principal's own private ones, of viewable types."""
    types = [t for t in OBJECT_TYPES if can(principal, "view", t)]
    own = Q(is_shared=False, owner_id=principal.user_id) if principal.user_id else Q(pk__in=[])
    return SavedView.objects.filter(
        workspace_id=principal.workspace_id, object_type__in=types
    ).filter(Q(is_shared=True) | own)


def list_saved_views(
    principal: Principal, params: ListParams, object_type: str | None = None
) -> Page[SavedView]:
    qs = visible_saved_views(principal).filter(filters_q(LIST_FILTERS, params.filter))
    if object_type is not None:
        if object_type not in OBJECT_TYPES:
            raise Invalid.on("object_type", f"Choose one of {', '.join(OBJECT_TYPES)}.")
        qs = qs.filter(object_type=object_type)
    keys = parse_sort(params.sort, LIST_SORTS, DEFAULT_SORT)
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_saved_view(principal: Principal, view_id: int) -> SavedView:
    view = visible_saved_views(principal).filter(pk=view_id).first()
    if view is None:
        raise NotFound("saved view not found")
    return view


def views_for_list(principal: Principal, object_type: str) -> list[SavedView]:
    """The views a list page offers: the principal's private ones, then shared, by position."""
    qs = visible_saved_views(principal).filter(object_type=object_type)
    return list(qs.order_by("is_shared", "position", "name", "pk")[:LIST_PAGE_VIEWS])


@dataclass(frozen=True)
class ListViews:
    """A list page's state with its saved views: the one open (if any) and the others."""

    state: ListState
    views: list[SavedView]
    current: SavedView | None
    can_share: bool


def list_state_with_views(
    principal: Principal, object_type: str, query: QueryDict, default_columns: Sequence[str]
) -> ListViews:
    """The list's state from its URL, opening the saved view the URL names (`?view=<id>`)."""
    views = views_for_list(principal, object_type)
    view_id = ListState.view_in(query)
    current = next((v for v in views if v.pk == view_id), None)
    saved = (current.columns, current.filters, current.sort) if current else None
    state = ListState.from_query(query, default_columns, saved)
    if current is None and state.view_id is not None:
        state = replace(state, view_id=None)  # a deleted or someone else's view: plain list
    return ListViews(state, views, current, can(principal, "create", "saved_view"))
