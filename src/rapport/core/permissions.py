"""The one permission policy: `can`, `require` and `visible`, applied by every service and query.

A role grants, per object type, actions (view, create, edit, delete, export, import), each with a
record scope: "own" (records the user owns), "team" (owned by anyone in one of the user's teams)
or "all". Callers never test roles themselves; they ask this module. A record in another
workspace is reported as NotFound, never Forbidden, so ids do not leak across tenants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from django.db import models

from rapport.core.errors import Forbidden, NotFound

Action = Literal["view", "create", "edit", "delete", "export", "import"]
Scope = Literal["own", "team", "all"]
ACTIONS: tuple[Action, ...] = ("view", "create", "edit", "delete", "export", "import")
SCOPES: tuple[Scope, ...] = ("own", "team", "all")
# What a read-only API token may still do: an export reads records (it only adds an audit entry).
READ_ACTIONS = frozenset({"view", "export"})
_SCOPE_RANK = {"own": 1, "team": 2, "all": 3}

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Principal:
    """Who is acting, where, and with which grants; resolved once per request or job."""

    workspace_id: int
    user_id: int | None
    grants: dict[str, dict[str, str]]
    team_user_ids: frozenset[int] = frozenset()
    token_id: int | None = None
    token_can_write: bool = True
    request_id: str = ""
    is_admin: bool = False
    is_system: bool = False
    extra: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def scope_for(self, action: str, object_type: str) -> str | None:
        if self.is_system:
            return "all"
        if action not in READ_ACTIONS and self.token_id is not None and not self.token_can_write:
            return None
        return self.grants.get(object_type, {}).get(action)


def system_principal(workspace_id: int, request_id: str = "") -> Principal:
    """The principal for jobs and commands acting on the workspace's own behalf."""
    return Principal(
        workspace_id=workspace_id,
        user_id=None,
        grants={},
        is_system=True,
        is_admin=True,
        request_id=request_id,
    )


def owner_id_of(obj: models.Model) -> int | None:
    owner_field = getattr(obj, "OWNER_FIELD", None)
    if owner_field is None:
        return None
    return getattr(obj, f"{owner_field}_id", None)


def _in_scope(principal: Principal, scope: str, owner_id: int | None, has_owner: bool) -> bool:
    if scope == "all" or not has_owner:
        return True
    if scope == "team":
        return owner_id is not None and (
            owner_id == principal.user_id or owner_id in principal.team_user_ids
        )
    return owner_id is not None and owner_id == principal.user_id


def can(
    principal: Principal, action: str, object_type: str, obj: models.Model | None = None
) -> bool:
    """True when the principal may take `action` on `object_type` (or on that very record)."""
    scope = principal.scope_for(action, object_type)
    if scope is None:
        return False
    if obj is None:
        return True
    if getattr(obj, "workspace_id", principal.workspace_id) != principal.workspace_id:
        return False
    has_owner = getattr(obj, "OWNER_FIELD", None) is not None
    return _in_scope(principal, scope, owner_id_of(obj), has_owner)


def require(
    principal: Principal, action: str, object_type: str, obj: models.Model | None = None
) -> None:
    """Raise Forbidden (or NotFound for another workspace's record) unless `can` says yes."""
    if (
        obj is not None
        and getattr(obj, "workspace_id", principal.workspace_id) != principal.workspace_id
    ):
        raise NotFound(f"{object_type} not found")
    if not can(principal, action, object_type, obj):
        raise Forbidden(f"Your role does not allow {action} on {object_type.replace('_', ' ')}.")


def widest_scope(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a if _SCOPE_RANK[a] >= _SCOPE_RANK[b] else b


def visible(
    principal: Principal,
    queryset: models.QuerySet[M],
    object_type: str,
    action: str = "view",
    *,
    in_bin: bool = False,
) -> models.QuerySet[M]:
    """Scope a queryset to the principal's workspace and record scope.

    This is the one way domain queries are filtered: tenancy first (indexes lead with
    workspace_id), then soft delete (live records, or with `in_bin` the restore bin's), then the
    role's record scope.
    """
    model = queryset.model
    qs = queryset.filter(workspace_id=principal.workspace_id)
    if any(f.name == "deleted_at" for f in model._meta.get_fields()):
        qs = qs.filter(deleted_at__isnull=not in_bin)
    scope = principal.scope_for(action, object_type)
    if scope is None:
        return qs.none()
    owner_field = getattr(model, "OWNER_FIELD", None)
    if scope == "all" or owner_field is None:
        return qs
    if scope == "team":
        ids = {*principal.team_user_ids, principal.user_id}
        return qs.filter(**{f"{owner_field}_id__in": [i for i in ids if i is not None]})
    return qs.filter(**{f"{owner_field}_id": principal.user_id})
