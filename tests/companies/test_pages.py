"""The company pages: list, record page with in-place edits and conflicts, new form, bulk."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.companies.models import Company
from rapport.companies.services import create_company, update_company
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.customfields.services import create_custom_field
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def admin(workspace: Any) -> Any:
    user, _ = make_member(workspace, "admin")
    return user


def _list_queries(client: Client) -> int:
    client.get("/companies")
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/companies").status_code == 200
    return len(ctx.captured_queries)


def test_list_shows_this_workspaces_companies_escaped_in_fixed_queries(owner, admin) -> None:
    create_company(owner_principal(make_workspace("Globex")), {"name": "Hidden Elsewhere"})
    create_company(owner, {"name": "<b>Bold</b>", "domains": ["bold.io"], "tags": ["vip"]})
    client = _client(admin)
    few = _list_queries(client)
    for n in range(10):
        create_company(owner, {"name": f"N{n}", "domains": [f"n{n}.io"], "tags": [f"t{n}"]})

    html = client.get("/companies").content.decode()

    assert "&lt;b&gt;Bold&lt;/b&gt;" in html and "<b>Bold" not in html
    assert "Elsewhere" not in html
    assert '<a href="https://bold.io" rel="noopener noreferrer nofollow"' in html
    assert _list_queries(client) == few


def test_filters_sort_and_columns_come_from_the_url(owner, admin) -> None:
    create_custom_field(
        owner, object_type="company", key="score", label="Score", field_type="integer"
    )
    create_company(owner, {"name": "Beta", "employee_count": 10, "custom": {"score": 7}})
    create_company(owner, {"name": "Alpha", "employee_count": 500, "custom": {"score": 3}})
    client = _client(admin)

    html = client.get(
        "/companies",
        {"f_field": ["custom.score"], "f_op": ["gte"], "f_value": ["5"], "col": ["custom.score"]},
    ).content.decode()
    assert "Beta" in html and "Alpha" not in html and ">Score<" in html and ">7<" in html
    ordered = client.get("/companies", {"sort": "name"}).content.decode()
    assert ordered.index("Alpha") < ordered.index("Beta")
    by_size = client.get("/companies", {"sort": "-employee_count"}).content.decode()
    assert by_size.index("Alpha") < by_size.index("Beta")
    bad = client.get("/companies", {"filter": "employee_count:gt:many"})
    assert bad.status_code == 200 and "not a valid integer" in bad.content.decode()


def test_new_company_with_a_custom_field_and_inline_errors(owner, admin) -> None:
    create_custom_field(
        owner, object_type="company", key="tier", label="Tier", field_type="single_select",
        options=[{"value": "gold"}, {"value": "silver"}],
    )  # fmt: skip
    client = _client(admin)

    bad = client.post(
        "/companies/new", {"name": "Acme", "domains": "not a domain", "employee_count": "lots"}
    )
    assert bad.status_code == 422 and not Company.objects.exists()
    page = bad.content.decode()
    assert "not a domain</textarea>" in page and 'value="Acme"' in page  # what was typed stays
    assert 'value="lots"' in page and "Enter a whole number." in page

    ok = client.post(
        "/companies/new",
        {
            "name": "Acme",
            "domains": "acme.com\nhttps://www.Acme.io/about",
            "employee_count": "250",
            "annual_revenue": "1500000.50",
            "annual_revenue_currency": "eur",
            "custom__tier": "gold",
        },
    )
    company = Company.objects.get()
    assert ok["Location"] == f"/companies/{company.pk}"
    assert sorted(company.domains.values_list("domain", flat=True)) == ["acme.com", "acme.io"]
    assert (
        company.employee_count,
        str(company.annual_revenue),
        company.annual_revenue_currency,
        company.custom,
        company.owner_id,
    ) == (250, "1500000.50", "EUR", {"tier": "gold"}, admin.pk)


def test_duplicate_domain_warning(owner, admin) -> None:
    acme = create_company(owner, {"name": "Acme", "domains": ["acme.com"]})
    client = _client(admin)

    found = client.get("/companies/duplicates", {"domains": "x.io\nhttps://www.ACME.com/"})
    html = found.content.decode()
    assert f'href="/companies/{acme.pk}"' in html and "already belongs to" in html
    none = client.get("/companies/duplicates", {"domains": "x.io, not a domain"})
    assert none.status_code == 200 and "already belongs" not in none.content.decode()


def _save(client: Client, company: Company, name: str, value: str, original: str) -> Any:
    data = {"version": company.version, "original": original, name: value}
    return client.post(f"/companies/{company.pk}/fields/{name}", data, HTTP_HX_REQUEST="true")


def test_inline_edit_saves_audits_and_reports_errors_in_place(owner, admin) -> None:
    create_custom_field(
        owner, object_type="company", key="score", label="Score", field_type="integer"
    )
    acme = create_company(owner, {"name": "Acme"})
    client = _client(admin)

    saved = _save(client, acme, "industry", "Rockets", '""')
    assert saved.status_code == 200 and "Rockets" in saved.content.decode()
    assert saved["HX-Trigger"] == "record-changed"
    acme.refresh_from_db()
    assert acme.industry == "Rockets"
    assert AuditEntry.objects.filter(object_id=acme.pk, action="update").count() == 1

    domains = _save(client, acme, "domains", "acme.com, acme.io", "[]")
    assert domains.status_code == 200 and 'href="https://acme.io"' in domains.content.decode()
    acme.refresh_from_db()
    assert sorted(acme.domains.values_list("domain", flat=True)) == ["acme.com", "acme.io"]

    data = {"version": acme.version, "original": "null", "custom__score": "9"}
    custom = client.post(f"/companies/{acme.pk}/fields/custom.score", data, HTTP_HX_REQUEST="true")
    assert custom.status_code == 200 and ">9<" in custom.content.decode()
    acme.refresh_from_db()
    assert acme.custom == {"score": 9}

    bad = _save(client, acme, "country", "Narnia", '""')
    assert bad.status_code == 422 and "two-letter" in bad.content.decode()
    assert 'value="Narnia"' in bad.content.decode()
    acme.refresh_from_db()
    assert acme.country == ""


def test_a_conflicting_edit_shows_both_values_and_overwrites_nothing(owner, admin) -> None:
    acme = create_company(owner, {"name": "Acme", "industry": "Retail"})
    stale = Company.objects.get(pk=acme.pk)
    update_company(owner, acme.pk, {"industry": "Rockets"})  # someone else saves first

    response = _save(_client(admin), stale, "industry", "Anvils", '"Retail"')

    html = response.content.decode()
    assert response.status_code == 409 and "Rockets" in html and 'value="Anvils"' in html
    acme.refresh_from_db()
    assert acme.industry == "Rockets"


def test_an_edit_to_another_field_is_merged_not_refused(owner, admin) -> None:
    acme = create_company(owner, {"name": "Acme", "industry": "Retail"})
    stale = Company.objects.get(pk=acme.pk)
    update_company(owner, acme.pk, {"city": "London"})

    assert _save(_client(admin), stale, "industry", "Anvils", '"Retail"').status_code == 200
    acme.refresh_from_db()
    assert (acme.industry, acme.city) == ("Anvils", "London")


def test_the_record_page_lists_the_companys_contacts(owner, admin) -> None:
    acme = create_company(owner, {"name": "Acme"})
    create_contact(owner, {"first_name": "Ada", "job_title": "<i>CTO</i>", "company_id": acme.pk,
                           "emails": [{"email": "ada@acme.com"}]})  # fmt: skip
    create_contact(owner, {"first_name": "Elsewhere"})

    html = _client(admin).get(f"/companies/{acme.pk}").content.decode()

    assert "Ada" in html and "&lt;i&gt;CTO&lt;/i&gt;" in html and "mailto:ada@acme.com" in html
    assert "Elsewhere" not in html
    assert f'href="/contacts?filter=company_id:eq:{acme.pk}"' in html
    assert f'hx-get="/activities/timeline?company={acme.pk}"' in html


def test_read_only_users_get_no_edit_controls_and_cannot_write(workspace, owner) -> None:
    acme = create_company(owner, {"name": "Acme"})
    reader, _ = make_member(workspace, "read_only")
    client = _client(reader)

    page = client.get(f"/companies/{acme.pk}").content.decode()
    assert "Edit Industry" not in page and "Delete" not in page
    assert client.get(f"/companies/{acme.pk}/fields/industry/edit").status_code == 404
    assert _save(client, acme, "industry", "Hacked", '""').status_code == 403
    assert client.post("/companies/new", {"name": "X"}).status_code == 403
    assert client.post(f"/companies/{acme.pk}/delete").status_code == 403
    acme.refresh_from_db()
    assert (acme.industry, acme.deleted_at, Company.objects.count()) == ("", None, 1)


def test_another_workspaces_company_is_not_found(owner, admin) -> None:
    theirs = create_company(owner_principal(make_workspace("Globex")), {"name": "Z"})
    client = _client(admin)
    assert client.get(f"/companies/{theirs.pk}").status_code == 404
    assert client.get(f"/companies/{theirs.pk}/history").status_code == 404
    assert _save(client, theirs, "industry", "X", '""').status_code == 404
    theirs.refresh_from_db()
    assert theirs.industry == ""


def test_bulk_assign_owner_and_a_denied_bulk_changes_nothing(workspace, owner, admin) -> None:
    a = create_company(owner, {"name": "A"})
    b = create_company(owner, {"name": "B"})
    rep, rep_principal = make_member(workspace, "sales_rep")
    mine = create_company(rep_principal, {"name": "Mine"})

    done = _client(admin).post(
        "/companies/bulk", {"ids": [a.pk, b.pk], "action": "owner", "owner_id": rep.pk}
    )
    assert done.status_code == 302
    assert set(Company.objects.filter(owner_id=rep.pk).values_list("pk", flat=True)) == {
        a.pk, b.pk, mine.pk,
    }  # fmt: skip

    other = create_company(owner, {"name": "Other"})
    rep_client = _client(rep)
    rep_client.post("/companies/bulk", {"ids": [mine.pk, other.pk], "action": "add_tag",
                                        "tag": "vip"})  # fmt: skip
    assert not Company.tags.through.objects.exists()
    listing = rep_client.get("/companies").content.decode()
    assert "Nothing was changed" in listing


def test_bulk_tags_add_and_remove_keeping_other_tags(owner, admin) -> None:
    a = create_company(owner, {"name": "A", "tags": ["old"]})
    b = create_company(owner, {"name": "B"})
    client = _client(admin)

    client.post("/companies/bulk", {"ids": [a.pk, b.pk], "action": "add_tag", "tag": "vip"})
    assert sorted(a.tags.values_list("name", flat=True)) == ["old", "vip"]
    assert list(b.tags.values_list("name", flat=True)) == ["vip"]
    client.post("/companies/bulk", {"ids": [a.pk], "action": "remove_tag", "tag": "VIP"})
    assert list(a.tags.values_list("name", flat=True)) == ["old"]


def test_delete_moves_the_company_to_the_restore_bin(owner, admin) -> None:
    acme = create_company(owner, {"name": "Acme"})
    response = _client(admin).post(f"/companies/{acme.pk}/delete")
    acme.refresh_from_db()
    assert response["Location"] == "/companies" and acme.deleted_at is not None


def test_company_options_suggest_visible_names_escaped(owner, admin) -> None:
    create_company(owner, {"name": 'Acme "<Rockets>"'})
    create_company(owner, {"name": "Acme Anvils"})
    create_company(owner, {"name": "Globex"})
    create_company(owner_principal(make_workspace("Other")), {"name": "Acme Elsewhere"})

    html = _client(admin).get("/companies/options", {"company_id": "acme"}).content.decode()

    assert html.count("<option") == 2 and 'value="Acme Anvils"' in html
    assert 'value="Acme &quot;&lt;Rockets&gt;&quot;"' in html
    assert "Globex" not in html and "Elsewhere" not in html
