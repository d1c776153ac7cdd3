"""GET /api/v1/contacts/export: columns and cells, filters, export scope, tenancy, chunks, audit."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core import pagination
from rapport.core.models import AuditEntry
from rapport.customfields.models import FIELD_TYPES
from rapport.customfields.services import create_custom_field
from tests.conftest import api_client_for, make_member, owner_principal
from tests.csv_exports import make_every_custom_field, read_csv

pytestmark = pytest.mark.django_db
URL = "/api/v1/contacts/export"
STANDARD = [
    "id", "first_name", "last_name", "primary_email", "emails", "phones", "job_title",
    "company_id", "company_name", "lifecycle_stage", "lead_source", "lead_status",
    "unqualified_reason", "lead_rating", "owner_email", "tags", "street", "city", "region",
    "postal_code", "country", "birthday", "consent_status", "consent_at", "consent_source",
    "created_at", "updated_at",
]  # fmt: skip


def _ids(response: Any) -> list[int]:
    return [int(row[0]) for row in read_csv(response)[1:]]


def _exports() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="export").order_by("pk"))


def test_every_column_with_flat_values_and_formula_guards(api: Any, workspace: Any, owner: Any):
    member, _ = make_member(workspace, "sales_rep")
    custom, custom_cells = make_every_custom_field(owner, "contact", member)
    engines = create_company(owner, {"name": "@Analytical Engines"})
    ada = create_contact(
        owner,
        {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "emails": [{"email": "ada@x.io"}, {"email": "ada@y.io", "is_primary": True}],
            "phones": [{"number": "+12015550123"}, {"number": "+442071838750", "kind": "home"}],
            "job_title": "=cmd|' /C calc'!A0",
            "company_id": engines.pk,
            "lifecycle_stage": "customer",
            "lead_source": "-2+3",
            "tags": ["VIP", "beta"],
            "city": "'s-Hertogenbosch",
            "postal_code": "5211",
            "country": "nl",
            "birthday": "1815-12-10",
            "consent_status": "granted",
            "consent_source": "form",
            "custom": custom,
        },
    )
    # Services strip surrounding space, so older or imported data is the way in for these two.
    Contact.objects.filter(pk=ada.pk).update(street="\t=1+1", region="\r=1+1")
    ada.refresh_from_db()
    header, row = read_csv(api.get(URL))

    assert header == STANDARD + [f"custom.{t}" for t in FIELD_TYPES]
    assert dict(zip(header, row, strict=True)) == {
        "id": str(ada.pk),
        "first_name": "Ada",
        "last_name": "Lovelace",
        "primary_email": "ada@y.io",
        "emails": "ada@y.io; ada@x.io",
        "phones": "'+12015550123; +442071838750",
        "job_title": "'=cmd\\|' /C calc'!A0",
        "company_id": str(engines.pk),
        "company_name": "'@Analytical Engines",
        "lifecycle_stage": "customer",
        "lead_source": "'-2+3",
        "lead_status": "",
        "unqualified_reason": "",
        "lead_rating": "",
        "owner_email": ada.owner.email,
        "tags": "beta; VIP",
        "street": "'\t=1+1",
        "city": "''s-Hertogenbosch",
        "region": "'\r=1+1",
        "postal_code": "5211",
        "country": "NL",
        "birthday": "1815-12-10",
        "consent_status": "granted",
        "consent_at": ada.consent_at.isoformat(),
        "consent_source": "form",
        "created_at": ada.created_at.isoformat(),
        "updated_at": ada.updated_at.isoformat(),
        **custom_cells,
    }


def test_empty_values_are_empty_cells_and_false_is_false(api: Any, owner: Any) -> None:
    create_custom_field(owner, object_type="contact", key="vip", label="VIP", field_type="boolean")
    create_custom_field(owner, object_type="contact", key="note", label="Note", field_type="text")
    create_contact(owner, {"first_name": "Bo", "owner_id": None, "custom": {"vip": False}})
    rows = read_csv(
        api.get(f"{URL}?fields=first_name,owner_email,company_name,custom.vip,custom.note")
    )
    assert rows == [
        ["first_name", "owner_email", "company_name", "custom.vip", "custom.note"],
        ["Bo", "", "", "false", ""],
    ]


def test_download_headers(api: Any, owner: Any) -> None:
    response = api.get(URL)
    assert re.fullmatch(
        r'attachment; filename="contacts-\d{8}-\d{4}\.csv"', response["Content-Disposition"]
    )
    assert read_csv(response) == [STANDARD]


def test_list_filters_and_sort_apply(api: Any, owner: Any) -> None:
    create_custom_field(
        owner, object_type="contact", key="score", label="Score", field_type="integer"
    )
    a = create_contact(
        owner, {"first_name": "A", "lifecycle_stage": "customer", "custom": {"score": 3}}
    )
    b = create_contact(
        owner, {"first_name": "B", "lifecycle_stage": "lead", "custom": {"score": 1}}
    )
    c = create_contact(
        owner, {"first_name": "C", "lifecycle_stage": "customer", "custom": {"score": 2}}
    )
    assert _ids(api.get(f"{URL}?filter=lifecycle_stage:eq:customer&sort=-first_name")) == [
        c.pk,
        a.pk,
    ]
    assert _ids(api.get(f"{URL}?sort=custom.score")) == [b.pk, c.pk, a.pk]
    assert _ids(api.get(f"{URL}?filter=custom.score:gte:2&sort=first_name")) == [a.pk, c.pk]
    assert _ids(api.get(URL)) == [c.pk, b.pk, a.pk]  # newest first, as the list


def test_fields_pick_columns_in_the_order_given(api: Any, owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@x.io"}]})
    rows = read_csv(api.get(f"{URL}?fields=primary_email, id,primary_email"))
    assert rows == [["primary_email", "id"], ["ada@x.io", str(ada.pk)]]


def test_bad_input_is_422_before_anything_is_written(api: Any, owner: Any) -> None:
    for query in ("fields=id,password", "filter=nope:eq:1", "sort=street"):
        response = api.get(f"{URL}?{query}")
        assert response.status_code == 422, query
        assert response["Content-Type"] == "application/problem+json"
    assert _exports() == []


def test_export_scope_own_exports_only_own_records(workspace: Any, owner: Any) -> None:
    rep_user, rep = make_member(workspace, "sales_rep")
    mine = create_contact(rep, {"first_name": "Mine"})
    create_contact(owner, {"first_name": "Theirs"})
    client = api_client_for(rep)
    assert _ids(client.get("/api/v1/contacts/export")) == [mine.pk]
    assert len(client.get("/api/v1/contacts").json()["items"]) == 2  # views all, exports own
    assert _exports()[0].actor_user_id == rep_user.pk


def test_a_role_without_export_gets_403_and_no_audit_entry(workspace: Any, owner: Any) -> None:
    create_contact(owner, {"first_name": "Ada"})
    _, agent = make_member(workspace, "support_agent")
    response = api_client_for(agent).get(URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert _exports() == []


def test_a_read_only_token_may_export(workspace: Any, owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    reader = api_client_for(owner_principal(workspace), can_write=False)
    assert _ids(reader.get(URL)) == [ada.pk]
    assert reader.post("/api/v1/contacts", {"first_name": "No"}).status_code == 403


def test_another_workspace_never_appears(api: Any, owner: Any, other_workspace: Any) -> None:
    ours = create_contact(owner, {"first_name": "Ours"})
    theirs = create_contact(owner_principal(other_workspace), {"first_name": "Theirs"})
    assert _ids(api.get(URL)) == [ours.pk]
    stranger = api_client_for(owner_principal(other_workspace))
    assert _ids(stranger.get(URL)) == [theirs.pk]


def test_walks_every_chunk_with_a_fixed_number_of_queries_each(
    api: Any, owner: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(pagination, "CHUNK_SIZE", 2)
    engines = create_company(owner, {"name": "Engines"})
    contacts = [
        create_contact(
            owner,
            {
                "first_name": f"N{n}",
                "company_id": engines.pk,
                "emails": [{"email": f"{n}@x.io"}],
                "phones": [{"number": "+12015550123"}],
                "tags": ["a", "b"],
            },
        )
        for n in range(5)
    ]
    response = api.get(f"{URL}?sort=first_name&fields=id,first_name,company_name,tags")
    with CaptureQueriesContext(connection) as ctx:
        rows = read_csv(response)  # the first chunk was read before the response began
    assert rows[1:] == [[str(c.pk), c.first_name, "Engines", "a; b"] for c in contacts]
    related = ["contacts_contactemail"]  # with the phones and tags in one UNION ALL
    per_chunk = ["workspaces_user", *related, "companies_company"]
    tables = [q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in ctx.captured_queries]
    assert tables == per_chunk + ["contacts_contact", *per_chunk] * 2


def test_an_export_is_logged_with_its_filters_and_columns(api: Any, owner: Any) -> None:
    api.get(f"{URL}?filter=first_name:eq:ada&sort=last_name&fields=id,first_name")
    (entry,) = _exports()
    assert (entry.object_type, entry.object_id, entry.actor_user_id) == (
        "contact",
        0,
        owner.user_id,
    )
    assert entry.changes == {
        "filter": ["first_name:eq:ada"],
        "sort": "last_name",
        "fields": ["id", "first_name"],
    }
