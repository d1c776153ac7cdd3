"""Writes about categories: create, update (name, description, position, parent), delete.

Categories follow the "article" grant: "create" to add one, "edit" to change one, "delete"
(admins) to remove one. A category sits at the top or under one top-level category, never
deeper. Deleting one leaves its articles without a category and lifts its subcategories to the
top level.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.knowledge.models import ArticleCategory
from rapport.knowledge.services.validation import clean_text

OBJECT_TYPE = "article_category"
RIGHTS = "article"
FIELDS = ("name", "description", "position", "parent_id")
MAX_POSITION = 100_000


def snapshot(category: ArticleCategory) -> dict[str, Any]:
    return {name: getattr(category, name) for name in FIELDS}


def _parent(principal: Principal, value: Any, category: ArticleCategory | None) -> int | None:
    if value in (None, ""):
        return None
    parent = (
        ArticleCategory.objects.filter(workspace_id=principal.workspace_id, pk=value).first()
        if isinstance(value, int) or str(value).isdigit()
        else None
    )
    if parent is None or (category is not None and parent.pk == category.pk):
        raise Invalid.on("parent_id", "Choose another category of this knowledge base.")
    if parent.parent_id is not None:
        raise Invalid.on("parent_id", "Categories go one level deep: choose a top-level one.")
    if category is not None and category.children.exists():
        raise Invalid.on("parent_id", "This category has subcategories, so it stays at the top.")
    return parent.pk


def _position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise Invalid.on("position", f"Give a whole number from 0 to {MAX_POSITION:,}.")
    if int(value) > MAX_POSITION:
        raise Invalid.on("position", f"Give a whole number from 0 to {MAX_POSITION:,}.")
    return int(value)


def _clean(
    principal: Principal, changes: dict[str, Any], category: ArticleCategory | None
) -> dict[str, Any]:
    cleaners = {
        "name": lambda v: clean_text(v, "name", 100, required=True),
        "description": lambda v: clean_text(v or "", "description", 500, required=False),
        "position": _position,
        "parent_id": lambda v: _parent(principal, v, category),
    }
    unknown = sorted(set(changes) - set(cleaners))
    if unknown:
        raise Invalid.on(unknown[0], "Unknown or read-only field.")
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in changes.items():
        try:
            cleaned[name] = cleaners[name](value)
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned


def _save(category: ArticleCategory) -> None:
    try:
        with transaction.atomic():
            category.save()
    except IntegrityError as exc:
        raise Invalid.on("name", f"A category named {category.name!r} already exists.") from exc


def _locked(principal: Principal, category_id: int) -> ArticleCategory:
    category = (
        ArticleCategory.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=category_id)
        .first()
    )
    if category is None:
        raise NotFound("article category not found")
    return category


@transaction.atomic
def create_category(principal: Principal, data: dict[str, Any]) -> ArticleCategory:
    """A new category, last among its siblings unless a position is given."""
    require(principal, "create", RIGHTS)
    fields = _clean(principal, {"name": data.get("name", ""), **data}, None)
    if "position" not in fields:
        siblings = ArticleCategory.objects.filter(
            workspace_id=principal.workspace_id, parent_id=fields.get("parent_id")
        )
        fields["position"] = (siblings.aggregate(p=Max("position"))["p"] or 0) + 1
    category = ArticleCategory(workspace_id=principal.workspace_id, **fields)
    _save(category)
    record_change(principal, "create", OBJECT_TYPE, category, snapshot(category))
    return category


@transaction.atomic
def update_category(
    principal: Principal,
    category_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> ArticleCategory:
    category = _locked(principal, category_id)
    require(principal, "edit", RIGHTS, category)
    check_version(category, expected_version)
    fields = _clean(principal, changes, category)
    before = snapshot(category)
    for name, value in fields.items():
        setattr(category, name, value)
    changes_made = diff(before, snapshot(category))
    if changes_made:
        category.version += 1
        category.updated_at = timezone.now()
        _save(category)
        record_change(principal, "update", OBJECT_TYPE, category, changes_made)
    return category


@transaction.atomic
def delete_category(principal: Principal, category_id: int) -> None:
    category = _locked(principal, category_id)
    require(principal, "delete", RIGHTS, category)
    record_change(principal, "delete", OBJECT_TYPE, category, snapshot(category))
    category.delete()
