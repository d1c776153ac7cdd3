"""API shapes for the workspaces app: me, members, invitations, roles, teams and tokens."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.core.api_support import RecordId

Grants = dict[str, dict[str, str]]


class Strict(Schema):
    """A request body: unknown or read-only fields are refused (422)."""

    model_config = ConfigDict(extra="forbid")


class WorkspaceRead(Schema):
    id: int
    name: str
    slug: str


class MeRead(Schema):
    id: int
    email: str
    full_name: str
    role: str
    workspace: WorkspaceRead
    workspaces: list[WorkspaceRead]
    token_id: RecordId | None
    away_until: dt.date | None = Field(description="Away through this day; null when not.")


class MeUpdate(Strict):
    away_until: dt.date | None = Field(
        description="Away through this day (workspace time): assignment skips you; null: back."
    )


class MemberRead(Schema):
    id: int = Field(description="The user's id")
    email: str
    full_name: str
    role: str
    is_active: bool
    joined_at: dt.datetime
    away_until: dt.date | None = Field(description="Away through this day; null when not.")
    is_away: bool = Field(description="Away today: round-robin and fewest-open skip them.")


class MemberUpdate(Strict):
    role: str | None = None
    is_active: bool | None = None
    away_until: dt.date | None = Field(
        None, description="Away through this day; null: back. Members may set their own."
    )


class InvitationCreate(Strict):
    email: str = Field(max_length=254)
    role: str


class InvitationRead(Schema):
    id: int
    email: str
    role: str
    status: str = Field(description="pending, accepted, revoked or expired")
    invited_by_id: RecordId | None
    created_at: dt.datetime
    expires_at: dt.datetime
    accepted_at: dt.datetime | None
    revoked_at: dt.datetime | None


class RoleCreate(Strict):
    name: str = Field(max_length=100)
    grants: Grants


class RoleUpdate(Strict):
    name: str | None = Field(None, max_length=100)
    grants: Grants | None = None


class RoleRead(Schema):
    id: int
    key: str
    name: str
    is_builtin: bool
    grants: Grants


class TeamCreate(Strict):
    name: str = Field(max_length=100)


class TeamUpdate(Strict):
    name: str = Field(max_length=100)


class TeamMembers(Strict):
    user_ids: list[RecordId] = Field(max_length=1000)


class TeamRead(Schema):
    id: int
    name: str
    member_ids: list[RecordId]
    created_at: dt.datetime


class TokenCreate(Strict):
    name: str = Field(max_length=100)
    can_write: bool = False


class TokenRead(Schema):
    id: int
    name: str
    prefix: str
    can_write: bool
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="The secret; shown only in this response")
