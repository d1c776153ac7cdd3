"""Writes about tags: create, rename/recolour, delete, and resolving tags named on a record."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, can, require
from rapport.tags.models import Tag
from rapport.tags.queries import find_tag_by_name

COLOR = re.compile(r"^#[0-9a-f]{6}$")


def _snapshot(tag: Tag) -> dict[str, Any]:
    return {"name": tag.name, "color": tag.color}


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    cleaned = dict(changes)
    if "name" in cleaned:
        name = str(cleaned["name"] or "").strip()
        if not name or len(name) > 60:
            raise Invalid.on("name", "A tag name has 1 to 60 characters.")
        cleaned["name"] = name
    if "color" in cleaned:
        color = str(cleaned["color"] or "").strip().lower()
        if not COLOR.match(color):
            raise Invalid.on("color", "Use a colour like #64748b.")
        cleaned["color"] = color
    return cleaned


def _save(tag: Tag) -> None:
    try:
        with transaction.atomic():
            tag.save()
    except IntegrityError as exc:
        raise Conflict(f"A tag named {tag.name!r} already exists.") from exc


@transaction.atomic
def create_tag(principal: Principal, name: str, color: str | None = None) -> Tag:
    require(principal, "create", "tag")
    fields = _clean({"name": name} | ({"color": color} if color is not None else {}))
    tag = Tag(workspace_id=principal.workspace_id, **fields)
    _save(tag)
    record_change(principal, "create", "tag", tag, _snapshot(tag))
    return tag


def _locked(principal: Principal, tag_id: int) -> Tag:
    tag = (
        Tag.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=tag_id)
        .first()
    )
    if tag is None:
        raise NotFound("tag not found")
    return tag


@transaction.atomic
def update_tag(
    principal: Principal, tag_id: int, changes: dict[str, Any], expected_version: int | None = None
) -> Tag:
    tag = _locked(principal, tag_id)
    require(principal, "edit", "tag", tag)
    check_version(tag, expected_version)
    before = _snapshot(tag)
    for name, value in _clean(changes).items():
        setattr(tag, name, value)
    tag.version += 1
    _save(tag)
    record_change(principal, "update", "tag", tag, diff(before, _snapshot(tag)))
    return tag


@transaction.atomic
def delete_tag(principal: Principal, tag_id: int) -> None:
    """Delete the tag and take it off every record (records themselves are untouched)."""
    tag = _locked(principal, tag_id)
    require(principal, "delete", "tag", tag)
    record_change(principal, "delete", "tag", tag, _snapshot(tag))
    tag.delete()


def resolve_tags(principal: Principal, refs: list[int | str], loc: str = "tags") -> list[Tag]:
    """Tags named on a record by id or name; a new name creates the tag if the role may."""
    tags: list[Tag] = []
    problems: list[FieldError] = []
    for i, ref in enumerate(refs):
        if isinstance(ref, int) and not isinstance(ref, bool):
            tag = Tag.objects.filter(workspace_id=principal.workspace_id, pk=ref).first()
        elif isinstance(ref, str) and ref.strip():
            tag = find_tag_by_name(principal.workspace_id, ref)
            if tag is None and can(principal, "create", "tag"):
                tag = create_tag(principal, ref)
        else:
            tag = None
        if tag is None:
            problems.append(FieldError((loc, i), f"No tag {ref!r} in this workspace."))
        elif tag not in tags:
            tags.append(tag)
    if problems:
        raise Invalid("Some tags are not valid.", problems)
    return tags
