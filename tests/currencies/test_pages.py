"""Settings → Currencies: the base currency and its confirmed change, the rates table, adding,
editing, deleting and importing rates, for owners, managers, read-only members and strangers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.core.models import AuditEntry
from rapport.currencies.models import ExchangeRate
from rapport.currencies.services import create_exchange_rate, update_exchange_rate
from rapport.workspaces.models import Workspace
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db

URL = "/settings/currencies"
JAN1 = dt.date(2025, 1, 1)


def _state(workspace: Workspace) -> tuple[Any, ...]:
    rows = ExchangeRate.objects.order_by("pk").values_list("currency", "rate_on", "rate", "version")
    base = Workspace.objects.get(pk=workspace.pk).default_currency
    return base, list(rows), AuditEntry.objects.count()


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rates.csv", text.encode(), content_type="text/csv")


def test_the_page_lists_rates_newest_first_in_fixed_queries(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.0850000")
    create_exchange_rate(owner_principal(make_workspace("Globex")), "JPY", JAN1, "0.0066")
    client = owner_client(workspace)
    few = page_queries(client, URL)
    for n in range(1, 10):
        create_exchange_rate(owner, "GBP", JAN1 + dt.timedelta(days=n), f"1.2{n}")
    html = client.get(URL).content.decode()
    assert "<strong>USD</strong> — US Dollar" in html
    assert "1 EUR = 1.085 USD" in html and "1 JPY =" not in html  # not Globex's rate
    assert html.index("10 Jan 2025") < html.index("2 Jan 2025") < html.index("1 Jan 2025")
    assert page_queries(client, URL) == few


def test_filter_and_load_more(workspace, owner) -> None:
    for n in range(60):
        create_exchange_rate(owner, "EUR", JAN1 + dt.timedelta(days=n), "1.1")
    create_exchange_rate(owner, "GBP", JAN1, "1.3")
    client = owner_client(workspace)
    html = client.get(URL).content.decode()
    assert html.count('<tr id="rate-') == 50 and "Load more" in html
    broken = client.get(f"{URL}/rates?cursor=x", headers={"HX-Request": "true"})
    assert (broken.status_code, broken.content) == (
        422,
        b"The cursor is not valid; start again from the first page.",
    )
    page = client.get(f"{URL}?currency=EUR")
    cursor = page.context["page"].next_cursor
    rest = client.get(
        f"{URL}/rates", {"cursor": cursor, "currency": "EUR"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert rest.count('<tr id="rate-') == 10 and "Load more" not in rest and "GBP" not in rest
    assert "<html" not in rest
    only_gbp = client.get(f"{URL}?currency=gbp").content.decode()
    assert only_gbp.count('<tr id="rate-') == 1 and '<option value="GBP" selected>' in only_gbp


def test_adding_a_rate_keeps_what_was_typed_when_it_is_wrong(workspace, owner) -> None:
    client = owner_client(workspace)
    bad = client.post(
        f"{URL}/rates/new", {"currency": "EUR", "rate_on": "2025-01-01", "rate": "1,08<"}
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Write the rate as a number, e.g. 1.0850." in html and 'value="1,08&lt;"' in html
    assert '<option value="EUR" selected>' in html
    assert not ExchangeRate.objects.exists()
    good = client.post(
        f"{URL}/rates/new", {"currency": "EUR", "rate_on": "2025-01-01", "rate": "1.08"}
    )
    assert (good.status_code, good["Location"]) == (302, URL)
    assert list(ExchangeRate.objects.values_list("currency", "rate")) == [("EUR", Decimal("1.08"))]
    again = client.post(
        f"{URL}/rates/new", {"currency": "EUR", "rate_on": "2025-01-01", "rate": "2"}
    )
    assert again.status_code == 409
    assert "EUR already has a rate on 2025-01-01; change that one." in again.content.decode()
    base = client.post(
        f"{URL}/rates/new", {"currency": "USD", "rate_on": "2025-01-01", "rate": "2"}
    )
    assert base.status_code == 422  # the base is not among the choices
    assert ExchangeRate.objects.count() == 1


def test_editing_a_rate_and_a_stale_edit(workspace, owner) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    client = owner_client(workspace)
    page = client.get(f"{URL}/rates/{rate.pk}").content.decode()
    assert 'value="1.1"' in page and 'name="version" value="1"' in page
    data = {"currency": "EUR", "rate_on": "2025-01-01", "rate": "1.15", "version": "1"}
    assert client.post(f"{URL}/rates/{rate.pk}", data).status_code == 302
    stale = client.post(f"{URL}/rates/{rate.pk}", {**data, "rate": "1.2"})
    assert stale.status_code == 409
    assert "Someone changed this rate meanwhile" in stale.content.decode()
    assert 'value="1.2"' in stale.content.decode()  # what was typed stays
    rate.refresh_from_db()
    assert (rate.rate, rate.version) == (Decimal("1.15"), 2)


def test_deleting_a_rate_and_a_stale_delete(workspace, owner) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    client = owner_client(workspace)
    assert (
        'data-confirm="Delete the rate of EUR from 1 Jan 2025?' in client.get(URL).content.decode()
    )
    update_exchange_rate(owner, rate.pk, {"rate": "1.2"})  # someone else, meanwhile
    stale = client.post(f"{URL}/rates/{rate.pk}/delete", {"version": "1"}, follow=True)
    assert "The rate of EUR was not deleted." in stale.content.decode()
    assert ExchangeRate.objects.filter(pk=rate.pk).exists()
    assert client.post(f"{URL}/rates/{rate.pk}/delete", {"version": "2"}).status_code == 302
    assert not ExchangeRate.objects.exists()


def test_changing_the_base_asks_first_then_restates_rates(workspace, owner) -> None:
    create_exchange_rate(owner, "EUR", JAN1, "1.25")
    create_exchange_rate(owner, "GBP", JAN1, "1.5")
    client = owner_client(workspace)
    refused = client.post(f"{URL}/base", {"currency": "CHF"})
    assert refused.status_code == 422
    assert "Enter an exchange rate for CHF first" in refused.content.decode()
    before = _state(workspace)
    ask = client.post(f"{URL}/base", {"currency": "EUR"})
    html = ask.content.decode()
    assert ask.status_code == 200 and "Make EUR the base currency?" in html
    assert "1 rate of other currencies is divided by the EUR rate" in html
    assert 'name="confirm" value="yes"' in html
    assert _state(workspace) == before  # asking changes nothing
    done = client.post(f"{URL}/base", {"currency": "EUR", "confirm": "yes"}, follow=True)
    assert "The base currency is now EUR; 2 rates were restated in it." in done.content.decode()
    assert _state(workspace)[:2] == (
        "EUR",
        [("GBP", JAN1, Decimal("1.2"), 2), ("USD", JAN1, Decimal("0.8"), 1)],
    )


def test_importing_a_file_shows_each_bad_row_and_imports_nothing(workspace, owner) -> None:
    client = owner_client(workspace)
    bad = client.post(
        f"{URL}/import",
        {"file": _csv("currency,date,rate\nEUR,2025-01-01,1.1\nGBP,2025-01-01,-2\n")},
    )
    html = bad.content.decode()
    assert bad.status_code == 422
    assert "Row 3, rate: A rate is more than 0." in html
    assert "1 problem(s) in the file; nothing was imported." in html
    assert not ExchangeRate.objects.exists()
    header = client.post(f"{URL}/import", {"file": _csv("a,b\n1,2\n")})
    assert "The first row must name the columns" in header.content.decode()
    good = client.post(
        f"{URL}/import", {"file": _csv("currency,date,rate\nEUR,2025-01-01,1.1\n")}, follow=True
    )
    assert "Imported the file: 1 new rates, 0 changed, 0 already as in the file." in (
        good.content.decode()
    )
    assert ExchangeRate.objects.count() == 1


def test_a_manager_manages_rates_but_not_the_base(workspace, owner) -> None:
    manager, _ = make_member(workspace, "manager")
    client = signed_in(manager)
    html = client.get(URL).content.decode()
    assert "Add rate" in html and "Import CSV" in html and "Change base currency" not in html
    assert client.post(f"{URL}/base", {"currency": "EUR", "confirm": "yes"}).status_code == 403
    assert Workspace.objects.get(pk=workspace.pk).default_currency == "USD"


def test_a_read_only_member_sees_rates_and_cannot_change_them(workspace, owner) -> None:
    rate = create_exchange_rate(owner, "EUR", JAN1, "1.1")
    reader, _ = make_member(workspace, "read_only")
    client = signed_in(reader)
    html = client.get(URL).content.decode()
    assert "1 EUR = 1.1 USD" in html
    for control in ("Add rate", "Import CSV", "Change base currency", ">Edit<", ">Delete<"):
        assert control not in html
    assert "Save rate" not in client.get(f"{URL}/rates/{rate.pk}").content.decode()
    before = _state(workspace)
    posts = [
        (f"{URL}/rates/new", {"currency": "GBP", "rate_on": "2025-01-01", "rate": "1.3"}),
        (f"{URL}/rates/new", {"currency": "GBP", "rate_on": "", "rate": ""}),
        (f"{URL}/rates/{rate.pk}", {"currency": "EUR", "rate_on": "2025-01-01", "rate": "9"}),
        (f"{URL}/rates/{rate.pk}/delete", {"version": "1"}),
        (f"{URL}/base", {"currency": "EUR", "confirm": "yes"}),
        (f"{URL}/import", {"file": _csv("currency,date,rate\nGBP,2025-01-01,1.3\n")}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert _state(workspace) == before


def test_another_workspaces_rate_is_not_found(workspace) -> None:
    theirs = create_exchange_rate(owner_principal(make_workspace("Globex")), "EUR", JAN1, "1.1")
    client = owner_client(workspace)
    assert client.get(f"{URL}/rates/{theirs.pk}").status_code == 404
    data = {"currency": "EUR", "rate_on": "2025-01-01", "rate": "9", "version": "1"}
    assert client.post(f"{URL}/rates/{theirs.pk}", data).status_code == 404
    assert client.post(f"{URL}/rates/{theirs.pk}/delete", {"version": "1"}).status_code == 404
    assert list(ExchangeRate.objects.values_list("rate", "version")) == [(Decimal("1.1"), 1)]


def test_the_workspace_page_shows_the_base_currency_read_only(workspace) -> None:
    html = owner_client(workspace).get("/settings/workspace").content.decode()
    assert 'name="default_currency"' not in html
    assert '<a href="/settings/currencies">Change under Settings → Currencies</a>' in html
