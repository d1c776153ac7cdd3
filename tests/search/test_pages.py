"""The search palette's results and the plain search page: grouped, scoped, escaped."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from tests.conftest import PASSWORD, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def _signed_in(user) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


def test_results_are_grouped_by_type_and_link_to_the_record(workspace, owner) -> None:
    ada = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    firm = create_company(owner, {"name": "Lovelace Analytics"})
    user, _ = make_member(workspace, "sales_rep")

    html = _signed_in(user).get("/search/results", {"q": "lovelace"}).content.decode()

    assert html.index("Contacts") < html.index(f'href="/contacts/{ada.pk}"')
    assert html.index("Companies") < html.index(f'href="/companies/{firm.pk}"')


def test_another_workspace_is_never_found_and_text_is_escaped(workspace, owner) -> None:
    other = make_workspace("Globex")
    create_contact(owner_principal(other), {"first_name": "Secret", "last_name": "Globex"})
    create_contact(owner, {"first_name": "<script>alert(1)</script>", "last_name": "Xss"})
    user, _ = make_member(workspace, "sales_rep")
    client = _signed_in(user)

    assert "Nothing matches" in client.get("/search/results", {"q": "globex"}).content.decode()
    page = client.get("/search", {"q": "xss"}).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page


def test_signed_out_visitors_are_sent_to_sign_in(db) -> None:
    response = Client().get("/search", {"q": "a"})
    assert (response.status_code, response["Location"]) == (302, "/login?next=/search%3Fq%3Da")
