"""The companies API: list query count, domain filter, admin-only hard delete."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.companies.services import create_company

pytestmark = pytest.mark.django_db


def _list_queries(api: Any) -> int:
    """Every query of a whole list request, once the token's first-use writes are done."""
    api.get("/api/v1/companies?limit=1")
    with CaptureQueriesContext(connection) as ctx:
        assert api.get("/api/v1/companies?limit=200").status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_fixed_number_of_queries(api: Any, owner: Any) -> None:
    create_company(owner, {"name": "One", "domains": ["one.com"], "tags": ["a"]})
    few = _list_queries(api)
    for n in range(10):
        create_company(
            owner, {"name": f"Co {n}", "domains": [f"c{n}.com", f"d{n}.io"], "tags": ["a", "b"]}
        )
    # custom fields, count, page, domains, tags
    # token, rate counter, custom fields, count, page, then domains and tags once each
    assert few == _list_queries(api) == 7


def test_filter_by_domain(api: Any, owner: Any) -> None:
    acme = create_company(owner, {"name": "Acme", "domains": ["acme.com", "acme.io"]})
    create_company(owner, {"name": "Other", "domains": ["other.com"]})
    response = api.get("/api/v1/companies?filter=domain:starts-with:acme")
    assert [item["id"] for item in response.json()["items"]] == [acme.pk]
    assert response.json()["items"][0]["domains"] == ["acme.com", "acme.io"]
