"""Reads about tags."""

from __future__ import annotations

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.tags.models import Tag

LIST_FILTERS = {
    "name": FilterField("name"),
    "color": FilterField("color"),
    "created_at": FilterField("created_at", "datetime"),
}
LIST_SORTS = {"name", "created_at", "id"}


def list_tags(principal: Principal, params: ListParams) -> Page[Tag]:
    qs = visible(principal, Tag.objects.all(), "tag").filter(filters_q(LIST_FILTERS, params.filter))
    return keyset_page(qs, parse_sort(params.sort, LIST_SORTS, "name"), params.limit, params.cursor)


def get_tag(principal: Principal, tag_id: int) -> Tag:
    tag = visible(principal, Tag.objects.all(), "tag").filter(pk=tag_id).first()
    if tag is None:
        raise NotFound("tag not found")
    return tag


def find_tag_by_name(workspace_id: int, name: str) -> Tag | None:
    return Tag.objects.filter(workspace_id=workspace_id, name__iexact=name.strip()).first()


def count_tagged(tag: Tag) -> dict[str, int]:
    """How many records carry the tag, per object type (restore bin included): two counts."""
    return {"contact": tag.contacts.count(), "company": tag.companies.count()}
