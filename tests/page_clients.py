"""Helpers for page tests: signed-in test clients and the query count of one page view."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.workspaces.models import Membership, User, Workspace
from tests.conftest import PASSWORD


def signed_in(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def owner_client(workspace: Workspace) -> Client:
    return signed_in(Membership.objects.get(workspace=workspace, role__key="owner").user)


def page_queries(client: Client, url: str) -> int:
    """Queries of one GET of `url`, after a first GET has warmed the session and caches."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)
