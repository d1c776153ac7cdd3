"""Companies: domains, phone, website, and the record rules they share with contacts."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.companies.models import Company
from rapport.companies.services import (
    create_company,
    delete_company,
    normalise_domain,
    restore_company,
    update_company,
)
from rapport.core.errors import Forbidden, Invalid
from rapport.core.models import AuditEntry
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("raw", "domain"),
    [
        ("https://www.Acme.com/about", "acme.com"),
        ("ACME.co.uk", "acme.co.uk"),
        ("http://shop.acme.io:8080?x=1", "shop.acme.io"),
    ],
)
def test_domains_are_normalised(raw: str, domain: str) -> None:
    assert normalise_domain(raw) == domain


def test_create_normalises_fields(owner: Any) -> None:
    company = create_company(
        owner,
        {
            "name": " Acme ",
            "domains": ["www.acme.com", "https://acme.com/x", "acme.io"],
            "phone": "(201) 555-0123",
            "website": "acme.com",
            "country": "de",
            "annual_revenue": "1000000",
        },
    )
    assert (company.name, company.phone, company.website, company.country) == (
        "Acme",
        "+12015550123",
        "https://acme.com",
        "DE",
    )
    assert sorted(company.domains.values_list("domain", flat=True)) == ["acme.com", "acme.io"]
    assert company.annual_revenue_currency == "USD"  # the workspace's default currency


def test_bad_domain_reports_its_index_and_saves_nothing(owner: Any) -> None:
    with pytest.raises(Invalid) as info:
        create_company(owner, {"name": "Acme", "domains": ["acme.com", "not a domain"]})
    assert [e.loc for e in info.value.errors] == [("domains", 1)]
    assert not Company.objects.exists()


def test_update_replaces_domains_and_audits_the_diff(owner: Any) -> None:
    company = create_company(owner, {"name": "Acme", "domains": ["acme.com"]})
    update_company(owner, company.pk, {"domains": ["acme.io"], "name": "Acme Inc"}, 1)
    company.refresh_from_db()
    assert (company.name, company.version) == ("Acme Inc", 2)
    assert list(company.domains.values_list("domain", flat=True)) == ["acme.io"]
    entry = AuditEntry.objects.get(object_type="company", object_id=company.pk, action="update")
    assert entry.changes == {"domains": [["acme.com"], ["acme.io"]], "name": ["Acme", "Acme Inc"]}


def test_sales_rep_cannot_edit_someone_elses_company(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    company = create_company(owner, {"name": "Acme"})
    with pytest.raises(Forbidden):
        update_company(rep, company.pk, {"name": "Mine"})
    with pytest.raises(Forbidden):
        delete_company(rep, company.pk)
    company.refresh_from_db()
    assert (company.name, company.version, company.deleted_at) == ("Acme", 1, None)


def test_soft_delete_and_restore(owner: Any) -> None:
    company = create_company(owner, {"name": "Acme"})
    delete_company(owner, company.pk)
    company.refresh_from_db()
    assert company.deleted_at is not None
    restored = restore_company(owner, company.pk)
    assert (restored.deleted_at, restored.version) == (None, 3)
