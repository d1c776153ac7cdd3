"""/api/v1/commissions: plans and their assignments, monthly statements with their lines,
recalculation, approval, reopening and the CSV export."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import Query, Router

from rapport.commissions import queries, services
from rapport.commissions.months import month_key, parse_month
from rapport.commissions.schemas import (
    CommissionAssignmentCreate,
    CommissionAssignmentRead,
    CommissionAssignmentUpdate,
    CommissionMonthIn,
    CommissionMonthResult,
    CommissionPlanCreate,
    CommissionPlanRead,
    CommissionPlanUpdate,
    CommissionStatementRead,
    assignment_body,
    plan_body,
    plan_input,
    statement_body,
)
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
from rapport.core.csv_export import OPENAPI_RESPONSES, csv_response

PREFIX = "/commissions"
router = Router(tags=["commissions"])


@router.get("/plans", response=ListResponse)
def list_plans(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Commission plans, by name."""
    fields = selected_fields(params.fields, CommissionPlanRead.model_fields)
    page = queries.list_plans(principal_of(request), params)
    return json_response(page_body(page, plan_body, fields))


@router.post("/plans", response={201: CommissionPlanRead})
def create_plan(request: HttpRequest, payload: CommissionPlanCreate) -> HttpResponse:
    def write() -> HttpResponse:
        plan = services.create_plan(principal_of(request), plan_input(payload))
        return record_response(plan, plan_body(plan), 201, f"/api/v1{PREFIX}/plans/{plan.pk}")

    return idempotent(request, principal_of(request), write)


@router.get("/plans/{plan_id}", response=CommissionPlanRead)
def get_plan(request: HttpRequest, plan_id: RecordId) -> HttpResponse:
    plan = queries.get_plan(principal_of(request), plan_id)
    return record_response(plan, plan_body(plan))


@router.patch("/plans/{plan_id}", response=CommissionPlanRead)
def update_plan(
    request: HttpRequest, plan_id: RecordId, payload: CommissionPlanUpdate
) -> HttpResponse:
    """Change a plan (If-Match); open statements of its users are recalculated."""
    version = expected_version(request, plan_id)
    plan = services.update_plan(principal_of(request), plan_id, plan_input(payload), version)
    return record_response(plan, plan_body(plan))


@router.delete("/plans/{plan_id}", response={204: None})
def delete_plan(request: HttpRequest, plan_id: RecordId) -> HttpResponse:
    """Delete a plan with its assignments; approved statements keep what they paid."""
    services.delete_plan(principal_of(request), plan_id)
    return no_content()


@router.get("/plans/{plan_id}/assignments", response=list[CommissionAssignmentRead])
def list_assignments(request: HttpRequest, plan_id: RecordId) -> HttpResponse:
    rows = queries.plan_assignments(principal_of(request), plan_id)
    return json_response([assignment_body(a) for a in rows])


@router.post("/plans/{plan_id}/assignments", response={201: CommissionAssignmentRead})
def assign_plan(
    request: HttpRequest, plan_id: RecordId, payload: CommissionAssignmentCreate
) -> HttpResponse:
    """Give the plan to a user for a span of days; overlapping another of theirs is a 422."""
    principal = principal_of(request)
    created = services.assign_plan(principal, plan_id, payload.model_dump(exclude_unset=True))
    assignment = queries.get_assignment(principal, created.pk)
    return json_response(assignment_body(assignment), 201)


@router.patch("/assignments/{assignment_id}", response=CommissionAssignmentRead)
def update_assignment(
    request: HttpRequest, assignment_id: RecordId, payload: CommissionAssignmentUpdate
) -> HttpResponse:
    principal = principal_of(request)
    services.update_assignment(principal, assignment_id, payload.model_dump(exclude_unset=True))
    return json_response(assignment_body(queries.get_assignment(principal, assignment_id)))


@router.delete("/assignments/{assignment_id}", response={204: None})
def remove_assignment(request: HttpRequest, assignment_id: RecordId) -> HttpResponse:
    services.remove_assignment(principal_of(request), assignment_id)
    return no_content()


@router.get("/statements", response=ListResponse)
def list_statements(
    request: HttpRequest,
    params: Query[ListParams],
    month: str | None = None,
    user_id: RecordId | None = None,
    status: str | None = None,
) -> HttpResponse:
    """Statements you may view (reps: their own), newest month first; filter by `month`
    (2026-10), `user_id` and `status` (open, approved)."""
    fields = selected_fields(params.fields, CommissionStatementRead.model_fields)
    parsed = parse_month(month) if month else None
    page = queries.list_statements(principal_of(request), parsed, user_id, status, params)
    return json_response(page_body(page, statement_body, fields))


@router.get("/statements/export", response=None, openapi_extra=OPENAPI_RESPONSES)
def export_statements(request: HttpRequest, month: str) -> StreamingHttpResponse:
    """A month's statement lines as CSV (one row per credit, adjustment or reversal), for the
    reps your *export* right covers."""
    parsed = parse_month(month)
    rows = services.export_statements(principal_of(request), parsed)
    return csv_response(f"commissions-{month_key(parsed)}", services.EXPORT_COLUMNS, rows)


@router.post("/statements/approve", response=CommissionMonthResult)
def approve_month(request: HttpRequest, payload: CommissionMonthIn) -> HttpResponse:
    """Approve every open statement of an ended month that you may approve."""
    month = parse_month(payload.month)
    count = services.approve_month(principal_of(request), month)
    return json_response({"month": month_key(month), "count": count})


@router.post("/statements/recalculate", response=CommissionMonthResult)
def recalculate_month(request: HttpRequest, payload: CommissionMonthIn) -> HttpResponse:
    """Recalculate the month's open statements (and start one for every rep with a plan)."""
    month = parse_month(payload.month)
    count = services.recalculate_month(principal_of(request), month)
    return json_response({"month": month_key(month), "count": count})


def _detail(request: HttpRequest, statement_id: int) -> HttpResponse:
    statement = queries.get_statement(principal_of(request), statement_id)
    body = statement_body(statement, queries.statement_lines(statement))
    return record_response(statement, body)


@router.get("/statements/{statement_id}", response=CommissionStatementRead)
def get_statement(request: HttpRequest, statement_id: RecordId) -> HttpResponse:
    """A statement with its lines: credits, then corrections of locked months."""
    return _detail(request, statement_id)


@router.post("/statements/{statement_id}/recalculate", response=CommissionStatementRead)
def recalculate_statement(request: HttpRequest, statement_id: RecordId) -> HttpResponse:
    services.recalculate_statement(principal_of(request), statement_id)
    return _detail(request, statement_id)


@router.post("/statements/{statement_id}/approve", response=CommissionStatementRead)
def approve_statement(request: HttpRequest, statement_id: RecordId) -> HttpResponse:
    """Lock the statement; send If-Match to approve only the figures you saw."""
    version = expected_version(request, statement_id) if request.headers.get("If-Match") else None
    services.approve_statement(principal_of(request), statement_id, version)
    return _detail(request, statement_id)


@router.post("/statements/{statement_id}/reopen", response=CommissionStatementRead)
def reopen_statement(request: HttpRequest, statement_id: RecordId) -> HttpResponse:
    """Unlock an approved statement and recalculate it (admins)."""
    services.reopen_statement(principal_of(request), statement_id)
    return _detail(request, statement_id)
