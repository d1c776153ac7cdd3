"""/api/v1/exchange-rates and /api/v1/currencies beyond the contract suite: filters, import,
conversion, the base currency, and bad input answered with 422, never 500."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.currencies.models import ExchangeRate
from rapport.currencies.services import create_exchange_rate
from rapport.workspaces.models import Workspace
from tests.conftest import api_client_for, make_member, owner_principal

pytestmark = pytest.mark.django_db

RATES = "/api/v1/exchange-rates"


@pytest.fixture
def rates(owner: Any) -> None:
    create_exchange_rate(owner, "EUR", dt.date(2025, 1, 1), "1.1")
    create_exchange_rate(owner, "EUR", dt.date(2025, 2, 1), "1.2")
    create_exchange_rate(owner, "GBP", dt.date(2025, 1, 15), "1.3")


def _keys(response: Any) -> list[tuple[str, str]]:
    return [(item["currency"], item["rate_on"]) for item in response.json()["items"]]


def test_list_is_newest_first_and_filters_by_currency_and_date(api, rates) -> None:
    assert _keys(api.get(RATES)) == [
        ("EUR", "2025-02-01"),
        ("GBP", "2025-01-15"),
        ("EUR", "2025-01-01"),
    ]
    assert _keys(api.get(f"{RATES}?filter=currency:eq:eur")) == [
        ("EUR", "2025-02-01"),
        ("EUR", "2025-01-01"),
    ]
    query = "filter=rate_on:gte:2025-01-10&filter=rate_on:lte:2025-01-31"
    assert _keys(api.get(f"{RATES}?{query}")) == [("GBP", "2025-01-15")]
    first = api.get(f"{RATES}?limit=2").json()
    rest = api.get(f"{RATES}?limit=2&cursor={first['next_cursor']}")
    assert (first["total"], len(first["items"]), _keys(rest)) == (3, 2, [("EUR", "2025-01-01")])
    item = api.get(f"{RATES}?filter=currency:eq:GBP").json()["items"][0]
    assert (item["rate"], item["source"], item["version"]) == ("1.3", "manual", 1)


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": "NaN"}', ["rate"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": 1e400}', ["rate"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": "1e400"}', ["rate"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": "-1"}', ["rate"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": true}', ["rate"]),
        ('{"currency": "EUR", "rate_on": "99999-01-01", "rate": "1"}', ["rate_on"]),
        ('{"currency": "EUR", "rate_on": "2025-02-30", "rate": "1"}', ["rate_on"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01T10:00:00", "rate": "1"}', ["rate_on"]),
        ('{"currency": "EURO", "rate_on": "2025-01-01", "rate": "1"}', ["currency"]),
        ('{"currency": "USD", "rate_on": "2025-01-01", "rate": "1"}', ["currency"]),
        ('{"currency": "EUR", "rate_on": "2025-01-01", "rate": "1", "source": ""}', ["source"]),
    ],
)
def test_bad_input_is_a_field_error_not_a_crash(api, body, loc) -> None:
    response = api.client.post(RATES, body, content_type="application/json", headers=api.headers)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert [error["loc"] for error in response.json()["errors"]] == [loc]
    assert not ExchangeRate.objects.exists()


def test_a_duplicate_date_is_a_conflict(api, rates) -> None:
    response = api.post(RATES, {"currency": "EUR", "rate_on": "2025-01-01", "rate": "2"})
    assert (response.status_code, response.json()["detail"]) == (
        409,
        "EUR already has a rate on 2025-01-01; change that one.",
    )


def test_import_over_the_api_is_all_or_nothing(api, workspace, rates) -> None:
    bad = api.post(f"{RATES}/import", {"csv": "currency,date,rate\nCHF,2025-01-01,1\nJPY,x,1\n"})
    assert bad.status_code == 422
    assert bad.json()["errors"] == [
        {
            "loc": ["rows", 3, "date"],
            "msg": "Give the date as YYYY-MM-DD, e.g. 2025-01-31.",
            "type": "invalid",
        }
    ]
    assert ExchangeRate.objects.count() == 3
    good = api.post(f"{RATES}/import", {"csv": "currency,date,rate\nCHF,2025-01-01,1.05\n"})
    assert (good.status_code, good.json()) == (200, {"created": 1, "updated": 0, "unchanged": 0})
    _, reader = make_member(workspace, "read_only")
    refused = api_client_for(reader).post(f"{RATES}/import", {"csv": "currency,date,rate\n"})
    assert refused.status_code == 403


def test_currencies_lists_iso_codes_and_the_base(api) -> None:
    body = api.get("/api/v1/currencies").json()
    assert body["base_currency"] == "USD"
    assert {"code": "EUR", "name": "Euro"} in body["currencies"]
    assert {"code": "CHF", "name": "Swiss Franc"} in body["currencies"]
    assert "DEM" not in {c["code"] for c in body["currencies"]}


def test_convert_answers_the_amount_the_rate_and_its_date(api, rates) -> None:
    response = api.get("/api/v1/currencies/convert?amount=100.005&currency=eur&on=2025-01-31")
    assert (response.status_code, response.json()) == (
        200,
        {
            "amount": "100.005",
            "currency": "EUR",
            "on": "2025-01-31",
            "base_currency": "USD",
            "converted": "110.01",
            "rate": "1.1",
            "rate_on": "2025-01-01",
        },
    )
    same = api.get("/api/v1/currencies/convert?amount=5&currency=USD&on=2025-01-31").json()
    assert (same["converted"], same["rate"], same["rate_on"]) == ("5.00", "1", None)
    missing = api.get("/api/v1/currencies/convert?amount=5&currency=CHF&on=2025-01-31")
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["loc"] == ["currency"]
    for query in ("amount=NaN", "amount=1e400", "amount=1&on=99999-01-01", "amount=x"):
        bad = api.get(f"/api/v1/currencies/convert?currency=EUR&on=2025-01-01&{query}")
        assert bad.status_code == 422, query


def test_put_base_changes_it_and_restates_rates(api, workspace, rates) -> None:
    refused = api.put("/api/v1/currencies/base", {"currency": "CHF"})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["msg"] == (
        "Enter an exchange rate for CHF first; rates are stored against the base currency."
    )
    response = api.put("/api/v1/currencies/base", {"currency": "EUR"})
    assert (response.status_code, response.json()) == (
        200,
        {"base_currency": "EUR", "previous_base_currency": "USD", "rates_rebased": 3},
    )
    assert api.get("/api/v1/currencies").json()["base_currency"] == "EUR"
    gbp = api.get(f"{RATES}?filter=currency:eq:GBP").json()["items"][0]
    assert (gbp["rate"], gbp["version"]) == ("1.1818181818", 2)  # 1.3 / 1.1
    read_only = api_client_for(owner_principal(workspace), can_write=False)
    assert read_only.put("/api/v1/currencies/base", {"currency": "GBP"}).status_code == 403
    assert Workspace.objects.get(pk=workspace.pk).default_currency == "EUR"


def test_another_workspace_converts_with_its_own_rates(api, rates, other_workspace) -> None:
    stranger = api_client_for(owner_principal(other_workspace))
    response = stranger.get("/api/v1/currencies/convert?amount=1&currency=EUR&on=2025-01-01")
    assert response.status_code == 422
    assert stranger.get(RATES).json()["items"] == []
    assert api.get(RATES).json()["total"] == 3
