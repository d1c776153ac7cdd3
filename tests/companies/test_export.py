"""GET /api/v1/companies/export: columns, cells, filters, export scope, tenancy, chunks, audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.companies.services import create_company
from rapport.core import pagination
from rapport.core.models import AuditEntry
from rapport.customfields.models import FIELD_TYPES
from tests.conftest import api_client_for, make_member, owner_principal
from tests.csv_exports import make_every_custom_field, read_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/companies/export"
STANDARD = [
    "id", "name", "domains", "industry", "employee_count", "annual_revenue",
    "annual_revenue_currency", "phone", "website", "owner_email", "tags", "street", "city",
    "region", "postal_code", "country", "created_at", "updated_at",
]  # fmt: skip


def _ids(response: Any) -> list[int]:
    return [int(row[0]) for row in read_csv(response)[1:]]


def _exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="export").order_by("pk"))


def test_every_column_with_flat_values_and_formula_guards(api: Any, workspace: Any, owner: Any):
    member, _ = make_member(workspace, "sales_rep")
    custom, custom_cells = make_every_custom_field(owner, "company", member)
    acme = create_company(
        owner,
        {
            "name": '=HYPERLINK("http://evil.example","Acme")',
            "domains": ["acme.io", "acme.com"],
            "industry": "+Manufacturing",
            "employee_count": 250,
            "annual_revenue": "-1500000.5",
            "annual_revenue_currency": "EUR",
            "phone": "+442071838750",
            "website": "https://acme.com",
            "tags": ["Key", "anvils"],
            "street": "1 Road",
            "city": "Berlin",
            "region": "BE",
            "postal_code": "10115",
            "country": "DE",
            "custom": custom,
        },
    )
    acme.refresh_from_db()
    header, row = read_csv(api.get(URL))

    assert header == STANDARD + [f"custom.{t}" for t in FIELD_TYPES]
    assert dict(zip(header, row, strict=True)) == {
        "id": str(acme.pk),
        "name": '\'=HYPERLINK("http://evil.example","Acme")',
        "domains": "acme.com; acme.io",
        "industry": "'+Manufacturing",
        "employee_count": "250",
        "annual_revenue": "-1500000.50",
        "annual_revenue_currency": "EUR",
        "phone": "'+442071838750",
        "website": "https://acme.com",
        "owner_email": acme.owner.email,
        "tags": "anvils; Key",
        "street": "1 Road",
        "city": "Berlin",
        "region": "BE",
        "postal_code": "10115",
        "country": "DE",
        "created_at": acme.created_at.isoformat(),
        "updated_at": acme.updated_at.isoformat(),
        **custom_cells,
    }


def test_download_headers(api: Any) -> None:
    response = api.get(URL)
    assert re.fullmatch(
        r'attachment; filename="companies-\d{8}-\d{4}\.csv"', response["Content-Disposition"]
    )
    assert read_csv(response) == [STANDARD]


def test_list_filters_sort_and_fields_apply(api: Any, owner: Any) -> None:
    a = create_company(owner, {"name": "A", "employee_count": 10, "domains": ["a.io"]})
    b = create_company(owner, {"name": "B", "employee_count": 500, "domains": ["b.io"]})
    c = create_company(owner, {"name": "C", "employee_count": 50, "domains": ["c.io", "a.io"]})
    assert _ids(api.get(f"{URL}?sort=-employee_count")) == [b.pk, c.pk, a.pk]
    assert _ids(api.get(f"{URL}?filter=employee_count:gte:50&sort=name")) == [b.pk, c.pk]
    assert _ids(api.get(f"{URL}?filter=domain:eq:a.io&sort=name")) == [a.pk, c.pk]
    rows = read_csv(api.get(f"{URL}?fields=name,id&filter=name:eq:b"))
    assert rows == [["name", "id"], ["B", str(b.pk)]]


def test_export_scope_own_exports_only_own_records(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    mine = create_company(rep, {"name": "Mine"})
    create_company(owner, {"name": "Theirs"})
    assert _ids(api_client_for(rep).get(URL)) == [mine.pk]


def test_a_role_without_export_gets_403_and_no_audit_entry(workspace: Any, owner: Any) -> None:
    create_company(owner, {"name": "Acme"})
    _, reader = make_member(workspace, "read_only")
    response = api_client_for(reader).get(URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _exports() == []


def test_another_workspace_never_appears(api: Any, owner: Any, other_workspace: Any) -> None:
    ours = create_company(owner, {"name": "Ours"})
    create_company(owner_principal(other_workspace), {"name": "Theirs"})
    assert _ids(api.get(URL)) == [ours.pk]


def test_walks_every_chunk_with_a_fixed_number_of_queries_each(
    api: Any, owner: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(pagination, "CHUNK_SIZE", 2)
    companies = [
        create_company(owner, {"name": f"Co {n}", "domains": [f"c{n}.io"], "tags": ["a"]})
        for n in range(5)
    ]
    response = api.get(f"{URL}?sort=name&fields=id,domains,tags")
    with CaptureQueriesContext(connection) as ctx:
        rows = read_csv(response)  # the first chunk was read before the response began
    assert rows[1:] == [[str(c.pk), f"c{n}.io", "a"] for n, c in enumerate(companies)]
    per_chunk = ["workspaces_user"]  # domains and tags are prefetched with each chunk's query
    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in ctx.captured_queries]
    chunk_query = ["companies_company", "companies_companydomain", "tags_tag"]
    assert tables == per_chunk + [*chunk_query, *per_chunk] * 2


def test_an_export_is_logged_with_its_filters_and_columns(api: Any, owner: Any) -> None:
    api.get(f"{URL}?filter=country:eq:DE")
    (entry,) = _exports()
    assert (entry.object_type, entry.object_id, entry.actor_user_id) == (
        "company",
        0,
        owner.user_id,
    )
    assert entry.actor_token_id is not None  # the API token the export was made with
    assert entry.changes == {"filter": ["country:eq:DE"], "sort": None, "fields": STANDARD}
