"""/api/v1/companies: customer organisations."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router

from rapport.companies import queries, services
from rapport.companies.schemas import (
    EXPORT_COLUMNS,
    CompanyCreate,
    CompanyRead,
    CompanyUpdate,
    company_body,
    company_row,
    export_columns,
)
from rapport.core.api_support import (
    ExportParams,
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
from rapport.core.csv_export import OPENAPI_RESPONSES, chosen_columns, csv_response
from rapport.customfields.queries import active_fields

PREFIX = "/companies"
router = Router(tags=["companies"])


def _respond(request: HttpRequest, company_id: RecordId, status: int = 200) -> HttpResponse:
    company = queries.get_company(principal_of(request), company_id)
    body = company_body(company, active_fields(company.workspace_id, "company"))
    location = f"/api/v1{PREFIX}/{company.pk}" if status == 201 else None
    return record_response(company, body, status, location)


@router.get("", response=ListResponse)
def list_companies(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    selected = selected_fields(params.fields, CompanyRead.model_fields)
    custom_fields = active_fields(principal_of(request).workspace_id, "company")
    page = queries.list_companies(principal_of(request), params, custom_fields)
    return json_response(page_body(page, lambda c: company_body(c, custom_fields), selected))


@router.post("", response={201: CompanyRead})
def create_company(request: HttpRequest, payload: CompanyCreate) -> HttpResponse:
    def write() -> HttpResponse:
        company = services.create_company(
            principal_of(request), payload.model_dump(exclude_unset=True)
        )
        return _respond(request, company.pk, 201)

    return idempotent(request, principal_of(request), write)


# Before /{company_id}: the first matching route wins.
@router.get("/export", openapi_extra=OPENAPI_RESPONSES)
def export_companies(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    """CSV of the companies the list shows with these filters and sort, within your export scope."""
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "company")
    columns = chosen_columns(export_columns(EXPORT_COLUMNS, custom_fields), params.fields)
    chunks = services.export_companies(principal, params, custom_fields, columns)
    rows = (
        company_row(c, custom_fields, chunk.user_emails) for chunk in chunks for c in chunk.records
    )
    return csv_response("companies", columns, rows)


@router.get("/{company_id}", response=CompanyRead)
def get_company(request: HttpRequest, company_id: RecordId) -> HttpResponse:
    return _respond(request, company_id)


@router.patch("/{company_id}", response=CompanyRead)
def update_company(
    request: HttpRequest, company_id: RecordId, payload: CompanyUpdate
) -> HttpResponse:
    version = expected_version(request, company_id)
    changes = payload.model_dump(exclude_unset=True)
    services.update_company(principal_of(request), company_id, changes, version)
    return _respond(request, company_id)


@router.delete("/{company_id}", response={204: None})
def delete_company(request: HttpRequest, company_id: RecordId, hard: bool = False) -> HttpResponse:
    if hard:
        services.hard_delete_company(principal_of(request), company_id)
    else:
        services.delete_company(principal_of(request), company_id)
    return no_content()


@router.post("/{company_id}/restore", response=CompanyRead)
def restore_company(request: HttpRequest, company_id: RecordId) -> HttpResponse:
    services.restore_company(principal_of(request), company_id)
    return _respond(request, company_id)
