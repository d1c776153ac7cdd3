"""/api/v1/roles: the workspace's roles; custom roles can be created, changed and deleted."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from rapport.core.api_support import RecordId
from rapport.workspaces import queries, services
from rapport.workspaces.models import Role
from rapport.workspaces.schemas import RoleCreate, RoleRead, RoleUpdate

router = Router(tags=["roles"])


def role_body(role: Role) -> RoleRead:
    return RoleRead(
        id=role.pk, key=role.key, name=role.name, is_builtin=role.is_builtin, grants=role.grants
    )


@router.get("", response=list[RoleRead])
def list_roles(request: HttpRequest) -> list[RoleRead]:
    return [role_body(role) for role in queries.list_roles(request.auth)]  # type: ignore[attr-defined]


@router.get("/{role_id}", response=RoleRead)
def get_role(request: HttpRequest, role_id: RecordId) -> RoleRead:
    return role_body(queries.get_role(request.auth, role_id))  # type: ignore[attr-defined]


@router.post("", response={201: RoleRead})
def create_role(request: HttpRequest, payload: RoleCreate) -> Status[RoleRead]:
    role = services.create_role(request.auth, payload.name, payload.grants)  # type: ignore[attr-defined]
    return Status(201, role_body(role))


@router.patch("/{role_id}", response=RoleRead)
def update_role(request: HttpRequest, role_id: RecordId, payload: RoleUpdate) -> RoleRead:
    role = services.update_role(request.auth, role_id, payload.name, payload.grants)  # type: ignore[attr-defined]
    return role_body(role)


@router.delete("/{role_id}", response={204: None})
def delete_role(request: HttpRequest, role_id: RecordId) -> Status[None]:
    services.delete_role(request.auth, role_id)  # type: ignore[attr-defined]
    return Status(204, None)
