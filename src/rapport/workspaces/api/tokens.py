"""/api/v1/tokens: your personal API tokens. The secret is returned once, when created."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from rapport.core.api_support import RecordId
from rapport.workspaces import queries, services
from rapport.workspaces.models import ApiToken
from rapport.workspaces.schemas import TokenCreate, TokenCreated, TokenRead

router = Router(tags=["tokens"])


def token_body(token: ApiToken) -> TokenRead:
    return TokenRead(
        id=token.pk,
        name=token.name,
        prefix=token.prefix,
        can_write=token.can_write,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


@router.get("", response=list[TokenRead])
def list_tokens(request: HttpRequest) -> list[TokenRead]:
    return [token_body(token) for token in queries.list_own_tokens(request.auth)]  # type: ignore[attr-defined]


@router.post("", response={201: TokenCreated})
def create_token(request: HttpRequest, payload: TokenCreate) -> Status[TokenCreated]:
    token, raw = services.create_api_token(request.auth, payload.name, payload.can_write)  # type: ignore[attr-defined]
    return Status(201, TokenCreated(**token_body(token).model_dump(), token=raw))


@router.delete("/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: RecordId) -> Status[None]:
    services.revoke_api_token(request.auth, token_id)  # type: ignore[attr-defined]
    return Status(204, None)
