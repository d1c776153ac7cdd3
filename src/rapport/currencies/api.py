"""/api/v1/exchange-rates (rates and their CSV import) and /api/v1/currencies (codes, the base
currency, conversion)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    principal_of,
    record_response,
    selected_fields,
)
from rapport.core.errors import Invalid
from rapport.currencies import queries, services
from rapport.currencies.codes import currency_choices, currency_name, normalise
from rapport.currencies.decimals import decimal_text
from rapport.currencies.schemas import (
    BaseCurrencyBody,
    BaseCurrencyRead,
    ConvertParams,
    ConvertRead,
    CurrenciesRead,
    ExchangeRateCreate,
    ExchangeRateRead,
    ExchangeRateUpdate,
    ImportBody,
    ImportRead,
    exchange_rate_body,
)

PREFIX = ""
RATES = "/exchange-rates"
router = Router()
rates_router = Router(tags=["exchange rates"])
currencies_router = Router(tags=["currencies"])


@rates_router.get("", response=ListResponse)
def list_exchange_rates(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Filters: `currency`, `rate_on` (e.g. `rate_on:gte:2025-01-01`), `source`; newest first."""
    fields = selected_fields(params.fields, ExchangeRateRead.model_fields)
    page = queries.list_exchange_rates(principal_of(request), params)
    return json_response(page_body(page, exchange_rate_body, fields))


@rates_router.post("", response={201: ExchangeRateRead})
def create_exchange_rate(request: HttpRequest, payload: ExchangeRateCreate) -> HttpResponse:
    def write() -> HttpResponse:
        fields = payload.model_dump(exclude_none=True)
        rate = services.create_exchange_rate(principal_of(request), **fields)
        location = f"/api/v1{RATES}/{rate.pk}"
        return record_response(rate, exchange_rate_body(rate), 201, location)

    return idempotent(request, principal_of(request), write)


@rates_router.post("/import", response=ImportRead)
def import_exchange_rates(request: HttpRequest, payload: ImportBody) -> HttpResponse:
    """Create or update the rates of a CSV file sent as JSON `{"csv": "<the file's text>"}`
    (a header `currency,date,rate`, dates as YYYY-MM-DD). All rows or none: any bad row is a
    422 with an error per bad row and column at `["rows", <row number, header = 1>, <column>]`.
    """

    def write() -> HttpResponse:
        result = services.import_exchange_rates(principal_of(request), payload.csv)
        body = {"created": result.created, "updated": result.updated}
        return json_response({**body, "unchanged": result.unchanged})

    return idempotent(request, principal_of(request), write)


@rates_router.get("/{rate_id}", response=ExchangeRateRead)
def get_exchange_rate(request: HttpRequest, rate_id: RecordId) -> HttpResponse:
    rate = queries.get_exchange_rate(principal_of(request), rate_id)
    return record_response(rate, exchange_rate_body(rate))


@rates_router.patch("/{rate_id}", response=ExchangeRateRead)
def update_exchange_rate(
    request: HttpRequest, rate_id: RecordId, payload: ExchangeRateUpdate
) -> HttpResponse:
    version = expected_version(request, rate_id)
    changes = payload.model_dump(exclude_unset=True)
    rate = services.update_exchange_rate(principal_of(request), rate_id, changes, version)
    return record_response(rate, exchange_rate_body(rate))


@rates_router.delete("/{rate_id}", response={204: None})
def delete_exchange_rate(request: HttpRequest, rate_id: RecordId) -> HttpResponse:
    services.delete_exchange_rate(principal_of(request), rate_id)
    return no_content()


@currencies_router.get("", response=CurrenciesRead)
def list_currencies(request: HttpRequest) -> HttpResponse:
    """The ISO 4217 codes in use today, with their English names, and the base currency."""
    base = queries.base_currency(principal_of(request).workspace_id)
    codes = [{"code": code, "name": currency_name(code)} for code, _ in currency_choices()]
    return json_response({"base_currency": base, "currencies": codes})


@currencies_router.put("/base", response=BaseCurrencyRead)
def change_base_currency(request: HttpRequest, payload: BaseCurrencyBody) -> HttpResponse:
    """Make another currency the base and restate every rate in it (needs edit on workspace).
    With rates but none for the new base, 422: enter a rate for it first."""
    change = services.change_base_currency(principal_of(request), payload.currency)
    return json_response(
        {
            "base_currency": change.base,
            "previous_base_currency": change.previous,
            "rates_rebased": change.rebased,
        }
    )


@currencies_router.get("/convert", response=ConvertRead)
def convert(request: HttpRequest, params: Query[ConvertParams]) -> HttpResponse:
    """`amount` of `currency` in the base currency at the rate in force `on` that date (the
    currency's earliest rate for an earlier date); 422 when the currency has no rate."""
    code = normalise(params.currency)
    table = queries.RateTable.load(principal_of(request).workspace_id, [code])
    used = table.rate_used(code, params.on)
    converted = table.convert(params.amount, code, params.on)
    if used is None or converted is None:
        raise Invalid.on("currency", f"{code} has no exchange rate; add one under Settings.")
    body = {
        "amount": decimal_text(params.amount),
        "currency": code,
        "on": params.on,
        "base_currency": table.base,
        "converted": f"{converted:f}",
        "rate": decimal_text(used.rate),
        "rate_on": used.rate_on,
    }
    return json_response(body)


router.add_router(RATES, rates_router)
router.add_router("/currencies", currencies_router)
