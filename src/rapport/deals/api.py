"""/api/v1/deals and /api/v1/pipelines: deals and the pipelines they move through."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from ninja import Query, Router

from rapport.companies.schemas import export_columns
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
from rapport.deals import queries, services
from rapport.deals.board import board
from rapport.deals.engagement import engagement_of
from rapport.deals.schemas import (
    EXPORT_COLUMNS,
    BoardRead,
    DealCreate,
    DealMove,
    DealRead,
    DealUpdate,
    EngagementRead,
    LineItemsRead,
    LineItemsWrite,
    PipelineCreate,
    PipelineOrder,
    PipelineRead,
    PipelineUpdate,
    StayRead,
    board_body,
    deal_body,
    deal_row,
    engagement_body,
    line_items_body,
    pipeline_body,
    stage_write,
    stay_body,
)

PREFIX = ""
router = Router(tags=["deals"])


def _respond(request: HttpRequest, deal_id: int, status: int = 200) -> HttpResponse:
    deal = queries.get_deal(principal_of(request), deal_id)
    body = deal_body(deal, active_fields(deal.workspace_id, "deal"))
    location = f"/api/v1/deals/{deal.pk}" if status == 201 else None
    return record_response(deal, body, status, location)


@router.get("/deals", response=ListResponse)
def list_deals(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    selected = selected_fields(params.fields, DealRead.model_fields)
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "deal")
    page = queries.list_deals(principal, params, custom_fields, related=True)
    return json_response(page_body(page, lambda d: deal_body(d, custom_fields), selected))


@router.post("/deals", response={201: DealRead})
def create_deal(request: HttpRequest, payload: DealCreate) -> HttpResponse:
    def write() -> HttpResponse:
        deal = services.create_deal(principal_of(request), payload.model_dump(exclude_unset=True))
        return _respond(request, deal.pk, 201)

    return idempotent(request, principal_of(request), write)


# Before /deals/{deal_id}: the first matching route wins.
@router.get("/deals/export", openapi_extra=OPENAPI_RESPONSES)
def export_deals(request: HttpRequest, params: Query[ExportParams]) -> StreamingHttpResponse:
    """CSV of the deals the list shows with these filters and sort, within your export scope."""
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "deal")
    columns = chosen_columns(export_columns(EXPORT_COLUMNS, custom_fields), params.fields)
    chunks = services.export_deals(principal, params, custom_fields, columns)
    rows = (
        deal_row(d, custom_fields, chunk.user_emails) for chunk in chunks for d in chunk.records
    )
    return csv_response("deals", columns, rows)


@router.get("/deals/{deal_id}", response=DealRead)
def get_deal(request: HttpRequest, deal_id: RecordId) -> HttpResponse:
    return _respond(request, deal_id)


@router.patch("/deals/{deal_id}", response=DealRead)
def update_deal(request: HttpRequest, deal_id: RecordId, payload: DealUpdate) -> HttpResponse:
    version = expected_version(request, deal_id)
    changes = payload.model_dump(exclude_unset=True)
    services.update_deal(principal_of(request), deal_id, changes, version)
    return _respond(request, deal_id)


@router.post("/deals/{deal_id}/move", response=DealRead)
def move_deal(request: HttpRequest, deal_id: RecordId, payload: DealMove) -> HttpResponse:
    """Move the deal to a stage (of any pipeline), as the board does; needs If-Match."""
    version = expected_version(request, deal_id)
    services.move_deal_to_stage(
        principal_of(request), deal_id, payload.stage_id, version, payload.lost_reason
    )
    return _respond(request, deal_id)


@router.get("/deals/{deal_id}/stage-history", response=list[StayRead])
def deal_stage_history(request: HttpRequest, deal_id: RecordId) -> HttpResponse:
    """Every stage the deal was in, oldest first, with the time it spent there."""
    stays = queries.stage_history(principal_of(request), deal_id)
    return json_response([stay_body(s) for s in stays])


@router.get("/deals/{deal_id}/engagement", response=EngagementRead)
def deal_engagement(request: HttpRequest, deal_id: RecordId) -> HttpResponse:
    """The engagement signal of an open deal (0-100) from its and its contacts' activities of
    the last 90 days, with each reason and its points; null for a closed deal."""
    principal = principal_of(request)
    deal = queries.get_deal(principal, deal_id)
    return json_response(engagement_body(engagement_of(principal, [deal]).get(deal.pk)))


def _line_items(request: HttpRequest, deal_id: int) -> HttpResponse:
    deal = queries.get_deal(principal_of(request), deal_id)
    return record_response(deal, line_items_body(deal, queries.line_items_of(deal)))


@router.get("/deals/{deal_id}/line-items", response=LineItemsRead)
def get_line_items(request: HttpRequest, deal_id: RecordId) -> HttpResponse:
    """The deal's line items with their amounts, and the deal's ETag (for the PUT)."""
    return _line_items(request, deal_id)


@router.put("/deals/{deal_id}/line-items", response=LineItemsRead)
def put_line_items(
    request: HttpRequest, deal_id: RecordId, payload: LineItemsWrite
) -> HttpResponse:
    """Replace the line items (needs the deal's If-Match); the deal's amount becomes the sum of
    their nets, before tax. Keep a line by sending its `id`."""
    version = expected_version(request, deal_id)
    items = [item.model_dump(exclude_unset=True) for item in payload.items]
    services.set_line_items(principal_of(request), deal_id, items, version)
    return _line_items(request, deal_id)


@router.delete("/deals/{deal_id}", response={204: None})
def delete_deal(request: HttpRequest, deal_id: RecordId, hard: bool = False) -> HttpResponse:
    if hard:
        services.hard_delete_deal(principal_of(request), deal_id)
    else:
        services.delete_deal(principal_of(request), deal_id)
    return no_content()


@router.post("/deals/{deal_id}/restore", response=DealRead)
def restore_deal(request: HttpRequest, deal_id: RecordId) -> HttpResponse:
    services.restore_deal(principal_of(request), deal_id)
    return _respond(request, deal_id)


# --- Pipelines ----------------------------------------------------------------------------------


def _pipeline(request: HttpRequest, pipeline_id: int, status: int = 200) -> HttpResponse:
    pipeline = queries.get_pipeline(principal_of(request), pipeline_id)
    location = f"/api/v1/pipelines/{pipeline.pk}" if status == 201 else None
    return record_response(pipeline, pipeline_body(pipeline), status, location)


@router.get("/pipelines", response=ListResponse, tags=["pipelines"])
def list_pipelines(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """The pipelines with their stages, in order by default (the first is the default for new
    deals; a workspace without one gets "Sales" when its first deal is created)."""
    selected = selected_fields(params.fields, PipelineRead.model_fields)
    page = queries.list_pipelines(principal_of(request), params)
    return json_response(page_body(page, pipeline_body, selected))


@router.post("/pipelines", response={201: PipelineRead}, tags=["pipelines"])
def create_pipeline(request: HttpRequest, payload: PipelineCreate) -> HttpResponse:
    def write() -> HttpResponse:
        data: dict[str, object] = {"name": payload.name}
        if payload.stages is not None:
            data["stages"] = [stage_write(s) for s in payload.stages]
        pipeline = services.create_pipeline(principal_of(request), data)
        return _pipeline(request, pipeline.pk, 201)

    return idempotent(request, principal_of(request), write)


@router.put("/pipelines/order", response=list[PipelineRead], tags=["pipelines"])
def order_pipelines(request: HttpRequest, payload: PipelineOrder) -> HttpResponse:
    """Set the order of the pipelines; list every one once."""
    principal = principal_of(request)
    services.reorder_pipelines(principal, list(payload.pipeline_ids))
    return json_response([pipeline_body(p) for p in queries.pipelines_of(principal)])


@router.get("/pipelines/{pipeline_id}/board", response=BoardRead, tags=["pipelines"])
def pipeline_board(
    request: HttpRequest,
    pipeline_id: RecordId,
    filter: Query[list[str]] = None,  # type: ignore[assignment]
    sort: str | None = None,
) -> HttpResponse:
    """The board: per stage, the deal count, total and weighted total in the base currency
    (open deals at today's rate, closed ones at their close date's) and the first cards,
    longest in the stage first. `filter` takes the deal list's terms."""
    principal = principal_of(request)
    custom_fields = active_fields(principal.workspace_id, "deal")
    result = board(principal, pipeline_id, list(filter or []), custom_fields, sort)
    return json_response(board_body(result, timezone.now()))


@router.get("/pipelines/{pipeline_id}", response=PipelineRead, tags=["pipelines"])
def get_pipeline(request: HttpRequest, pipeline_id: RecordId) -> HttpResponse:
    return _pipeline(request, pipeline_id)


@router.patch("/pipelines/{pipeline_id}", response=PipelineRead, tags=["pipelines"])
def update_pipeline(
    request: HttpRequest, pipeline_id: RecordId, payload: PipelineUpdate
) -> HttpResponse:
    version = expected_version(request, pipeline_id)
    data: dict[str, object] = payload.model_dump(exclude_unset=True, exclude={"stages"})
    if payload.stages is not None:
        data["stages"] = [stage_write(s) for s in payload.stages]
    services.update_pipeline(principal_of(request), pipeline_id, data, version)
    return _pipeline(request, pipeline_id)


@router.delete("/pipelines/{pipeline_id}", response={204: None}, tags=["pipelines"])
def delete_pipeline(request: HttpRequest, pipeline_id: RecordId) -> HttpResponse:
    services.delete_pipeline(principal_of(request), pipeline_id)
    return no_content()
