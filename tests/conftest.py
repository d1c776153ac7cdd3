"""Shared fixtures: factories for workspaces, users and principals, an API client, SMTP."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rapport.core.permissions import Principal
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.queries import principal_for
from rapport.workspaces.services import add_member, create_api_token, create_workspace
from tests.smtp import immediate_jobs, smtp_server  # noqa: F401 - fixtures for every test

_seq = itertools.count(1)
PASSWORD = "correct horse battery staple"


@pytest.fixture(autouse=True)
def _clear_cache() -> Iterator[None]:
    cache.clear()
    yield
    cache.clear()


def make_user(email: str | None = None, password: str = PASSWORD, **fields: Any) -> User:
    return User.objects.create_user(email or f"user{next(_seq)}@example.com", password, **fields)


def make_workspace(name: str = "Acme", owner: User | None = None) -> Workspace:
    return create_workspace(f"{name} {next(_seq)}", owner or make_user())


def owner_principal(workspace: Workspace) -> Principal:
    from rapport.workspaces.models import Membership

    seat = Membership.objects.get(workspace=workspace, role__key="owner")
    return principal_for(seat.user, workspace.pk)


def make_member(
    workspace: Workspace, role: str = "sales_rep", **user_fields: Any
) -> tuple[User, Principal]:
    user = make_user(**user_fields)
    add_member(owner_principal(workspace), user, role)
    return user, principal_for(user, workspace.pk)


class ApiClient:
    """Django's test client speaking JSON with a bearer token."""

    def __init__(self, raw_token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {raw_token}"}

    def _call(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method)(path, **kwargs)

    def get(self, path: str, **headers: str) -> Any:
        return self._call("get", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._call("post", path, body, **headers)

    def patch(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._call("patch", path, body, **headers)

    def put(self, path: str, body: Any = None, **headers: str) -> Any:
        return self._call("put", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self._call("delete", path, **headers)


def api_client_for(principal: Principal, can_write: bool = True) -> ApiClient:
    _, raw = create_api_token(principal, "tests", can_write=can_write)
    return ApiClient(raw)


@pytest.fixture
def workspace(db: None) -> Workspace:
    return make_workspace("Acme")


@pytest.fixture
def other_workspace(db: None) -> Workspace:
    return make_workspace("Globex")


@pytest.fixture
def owner(workspace: Workspace) -> Principal:
    return owner_principal(workspace)


@pytest.fixture
def api(owner: Principal) -> ApiClient:
    return api_client_for(owner)
