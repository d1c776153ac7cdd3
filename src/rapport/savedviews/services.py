"""Writes about saved views: create, update (rename, share, columns, filters, sort, order), delete.

A private view is its owner's own setting: anyone who may view the object type may keep some,
and only the owner sees, changes or deletes them. A shared view changes the list choices of the
whole workspace, so creating, changing, un-sharing or deleting one needs that action on
"saved_view" with scope all (owner, admin and manager by default). `owner` stays the creator:
un-sharing a view makes it its creator's private view again.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Forbidden, Invalid, NotFound
from rapport.core.filters import OPERATORS, parse_term
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.savedviews.models import OBJECT_TYPES, SavedView
from rapport.savedviews.queries import visible_saved_views

MAX_NAME = 100
MAX_COLUMNS = 50
MAX_FILTERS = 50
MAX_FIELD_NAME = 100
MAX_SORT = 200  # SavedView.sort's max_length
MAX_POSITION = 2**31 - 1  # PositiveIntegerField's range on PostgreSQL
SORT_TERM = re.compile(r"^-?[A-Za-z_][A-Za-z0-9_.]*$")


def _snapshot(view: SavedView) -> dict[str, Any]:
    return {
        "object_type": view.object_type,
        "owner_id": view.owner_id,
        "name": view.name,
        "is_shared": view.is_shared,
        "columns": view.columns,
        "filters": view.filters,
        "sort": view.sort,
        "position": view.position,
    }


# --- Validation ---------------------------------------------------------------------------------


def _clean_name(value: Any) -> str:
    name = value.strip() if isinstance(value, str) else ""
    if not name or len(name) > MAX_NAME:
        raise Invalid.on("name", f"A view name has 1 to {MAX_NAME} characters.")
    return name


def _clean_is_shared(value: Any) -> bool:
    if not isinstance(value, bool):
        raise Invalid.on("is_shared", "is_shared is true or false.")
    return value


def _clean_columns(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_COLUMNS:
        raise Invalid.on("columns", f"Columns are a list of at most {MAX_COLUMNS} field names.")
    columns: list[str] = []
    for i, column in enumerate(value):
        name = column.strip() if isinstance(column, str) else ""
        if not name or len(name) > MAX_FIELD_NAME:
            raise Invalid.on(
                ("columns", i), f"A column is a field name of 1 to {MAX_FIELD_NAME} characters."
            )
        if name in columns:
            raise Invalid.on(("columns", i), f"{name!r} is already a column.")
        columns.append(name)
    return columns


def _term_problem(term: Any) -> str | None:
    """Why a filter term is malformed, or None; whether its field exists is the list's business."""
    if not isinstance(term, str):
        return "A filter is a field:operator:value text."
    try:
        field, op, _ = parse_term(term)
    except Invalid as exc:
        return exc.detail
    if not field:
        return f"Filter {term!r} names no field."
    if op not in OPERATORS:
        return f"Unknown operator {op!r}; use one of {', '.join(OPERATORS)}."
    return None


def _clean_filters(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_FILTERS:
        raise Invalid.on("filters", f"Filters are a list of at most {MAX_FILTERS} terms.")
    problems = [
        FieldError(("filters", i), problem)
        for i, term in enumerate(value)
        if (problem := _term_problem(term)) is not None
    ]
    if problems:
        raise Invalid("Some filters are not valid.", problems)
    return list(value)


def _clean_sort(value: Any) -> str:
    """The API's `sort` syntax ("-created_at,last_name"); "" (or None) keeps the list's default."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    terms = [t.strip() for t in value.split(",")] if isinstance(value, str) else []
    if not terms or len(value) > MAX_SORT or not all(SORT_TERM.match(t) for t in terms):
        raise Invalid.on("sort", "Sort is a comma list of field names, '-' for descending.")
    return ",".join(terms)


def _clean_position(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_POSITION:
        raise Invalid.on("position", "A position is a whole number from 0.")
    return value


_CLEANERS: dict[str, Callable[[Any], Any]] = {
    "name": _clean_name,
    "is_shared": _clean_is_shared,
    "columns": _clean_columns,
    "filters": _clean_filters,
    "sort": _clean_sort,
    "position": _clean_position,
}


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    """The changes validated and normalised; object type, owner and version never change here."""
    unknown = sorted(set(changes) - set(_CLEANERS))
    if unknown:
        raise Invalid.on(unknown[0], "Unknown or read-only field.")
    return {name: _CLEANERS[name](value) for name, value in changes.items()}


# --- Rights -------------------------------------------------------------------------------------


def _require_writer(principal: Principal) -> None:
    # A private view needs only the view right, which a read-only token has too.
    if principal.token_id is not None and not principal.token_can_write:
        raise Forbidden("A read-only token cannot change saved views.")


def _require_shared_right(principal: Principal, action: str) -> None:
    """Shared views are a workspace setting: the role's grant must cover every one of them."""
    require(principal, action, "saved_view")
    if principal.scope_for(action, "saved_view") != "all":
        raise Forbidden(f"Your role does not allow {action} on shared saved views.")


# --- Writes -------------------------------------------------------------------------------------


def _save(view: SavedView) -> None:
    try:
        with transaction.atomic():
            view.save()
    except IntegrityError as exc:
        kind = view.object_type.replace("_", " ")
        if view.is_shared:
            raise Conflict(f"There is already a shared {kind} view named {view.name!r}.") from exc
        raise Conflict(f"You already have a private {kind} view named {view.name!r}.") from exc


def _next_position(principal: Principal, object_type: str, is_shared: bool) -> int:
    """After the last view of the same list: the shared ones, or the owner's private ones."""
    siblings = SavedView.objects.filter(
        workspace_id=principal.workspace_id, object_type=object_type, is_shared=is_shared
    )
    if not is_shared:
        siblings = siblings.filter(owner_id=principal.user_id)
    return siblings.count()


@transaction.atomic
def create_saved_view(
    principal: Principal,
    *,
    object_type: str,
    name: str,
    is_shared: bool = False,
    columns: list[str] | None = None,
    filters: list[str] | None = None,
    sort: str = "",
    position: int | None = None,
) -> SavedView:
    """A view owned by the acting user; it lists after its siblings unless `position` is given."""
    _require_writer(principal)
    if object_type not in OBJECT_TYPES:
        raise Invalid.on("object_type", f"Choose one of {', '.join(OBJECT_TYPES)}.")
    require(principal, "view", object_type)
    if is_shared:
        _require_shared_right(principal, "create")
    elif principal.user_id is None:
        raise Invalid.on("is_shared", "Only a user can keep a private view; share it instead.")
    values = {"name": name, "is_shared": is_shared, "columns": columns or [], "sort": sort}
    fields = _clean(values | {"filters": filters or []})
    if position is None:
        position = _next_position(principal, object_type, fields["is_shared"])
    fields["position"] = _clean_position(position)
    view = SavedView(
        workspace_id=principal.workspace_id,
        owner_id=principal.user_id,
        object_type=object_type,
        **fields,
    )
    _save(view)
    record_change(principal, "create", "saved_view", view, _snapshot(view))
    return view


def _locked(principal: Principal, view_id: int) -> SavedView:
    view = visible_saved_views(principal).select_for_update().filter(pk=view_id).first()
    if view is None:
        raise NotFound("saved view not found")
    return view


@transaction.atomic
def update_saved_view(
    principal: Principal,
    view_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> SavedView:
    """Change a view; touching a shared one, or sharing a private one, needs the shared right."""
    _require_writer(principal)
    view = _locked(principal, view_id)
    if view.is_shared or changes.get("is_shared") is True:
        _require_shared_right(principal, "edit")
    check_version(view, expected_version)
    fields = _clean(changes)
    if fields.get("is_shared") is False and view.owner_id is None:
        raise Invalid.on("is_shared", "This view has no owner any more, so it stays shared.")
    before = _snapshot(view)
    for name, value in fields.items():
        setattr(view, name, value)
    view.version += 1
    view.updated_at = timezone.now()
    _save(view)
    record_change(principal, "update", "saved_view", view, diff(before, _snapshot(view)))
    return view


@transaction.atomic
def delete_saved_view(principal: Principal, view_id: int) -> None:
    """Delete for good: a view is a setting, not a customer record, so it skips the restore bin."""
    _require_writer(principal)
    view = _locked(principal, view_id)
    if view.is_shared:
        _require_shared_right(principal, "delete")
    record_change(principal, "delete", "saved_view", view, _snapshot(view))
    view.delete()
