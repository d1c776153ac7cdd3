"""Personal API tokens: revoking your own, admins revoking any, read-only tokens, tenancy."""

from __future__ import annotations

import pytest

from rapport.core.errors import Forbidden, NotFound, Unauthenticated
from rapport.workspaces.models import ApiToken
from rapport.workspaces.queries import principal_for_token
from rapport.workspaces.services import create_api_token, revoke_api_token
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def test_revoke_own_token_stops_it_at_once(owner) -> None:
    token, raw = create_api_token(owner, "CI", can_write=True)
    revoke_api_token(owner, token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None
    with pytest.raises(Unauthenticated):
        principal_for_token(raw)


def test_members_cannot_revoke_others_tokens_but_admins_can(owner, workspace) -> None:
    _, rep = make_member(workspace, "sales_rep")
    owners_token, _ = create_api_token(owner, "Owner's", can_write=True)
    with pytest.raises(NotFound):
        revoke_api_token(rep, owners_token.pk)
    assert ApiToken.objects.get(pk=owners_token.pk).revoked_at is None
    reps_token, _ = create_api_token(rep, "Rep's", can_write=True)
    revoke_api_token(owner, reps_token.pk)
    assert ApiToken.objects.get(pk=reps_token.pk).revoked_at is not None


def test_tokens_of_another_workspace_are_not_found(owner) -> None:
    token, _ = create_api_token(owner, "CI", can_write=True)
    with pytest.raises(NotFound):
        revoke_api_token(owner_principal(make_workspace("Other")), token.pk)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_a_read_only_token_cannot_manage_tokens(owner) -> None:
    token, _ = create_api_token(owner, "Target", can_write=True)
    _, raw = create_api_token(owner, "Reader", can_write=False)
    reader = principal_for_token(raw)
    with pytest.raises(Forbidden):
        revoke_api_token(reader, token.pk)
    with pytest.raises(Forbidden):
        create_api_token(reader, "Sneaky", can_write=True)
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None
    assert not ApiToken.objects.filter(name="Sneaky").exists()
