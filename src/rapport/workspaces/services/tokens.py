"""Writes about personal API tokens: creating one (its secret is shown once) and revoking it."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import record_change
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.permissions import Principal
from rapport.workspaces.models import ApiToken
from rapport.workspaces.queries import hash_secret

TOKEN_PREFIX = "rpt_"  # noqa: S105 - a public marker that makes leaked tokens greppable


def _require_writer(principal: Principal) -> None:
    if principal.token_id is not None and not principal.token_can_write:
        raise Forbidden("A read-only token cannot manage tokens.")


@transaction.atomic
def create_api_token(principal: Principal, name: str, can_write: bool) -> tuple[ApiToken, str]:
    """A personal token for the acting user; the raw secret is returned once, never stored."""
    _require_writer(principal)
    if principal.user_id is None:
        raise Invalid.on("user", "Only a user can own an API token.")
    if not name.strip():
        raise Invalid.on("name", "Give the token a name so you can recognise it later.")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        workspace_id=principal.workspace_id,
        user_id=principal.user_id,
        name=name.strip()[:100],
        prefix=raw[:12],
        key_hash=hash_secret(raw),
        can_write=can_write,
    )
    record_change(principal, "create", "token", token, {"name": token.name, "can_write": can_write})
    return token, raw


@transaction.atomic
def revoke_api_token(principal: Principal, token_id: int) -> ApiToken:
    """Revoke one of your own tokens (admins: anyone's in the workspace); it stops at once."""
    _require_writer(principal)
    tokens = ApiToken.objects.select_for_update().filter(workspace_id=principal.workspace_id)
    if not principal.is_admin:
        tokens = tokens.filter(user_id=principal.user_id or -1)  # no user: no own tokens
    token = tokens.filter(pk=token_id).first()
    if token is None:
        raise NotFound("token not found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record_change(principal, "delete", "token", token, {"name": token.name})
    return token
