"""Request and response shapes of /api/v1/deals and /api/v1/pipelines."""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from rapport.companies.schemas import TagRef, custom_cells, tag_refs
from rapport.core.api_support import RecordId
from rapport.currencies.queries import MoneySum
from rapport.customfields.models import CustomField
from rapport.customfields.queries import visible_custom
from rapport.deals.board import Board
from rapport.deals.engagement import Engagement
from rapport.deals.line_amounts import line_amounts, totals
from rapport.deals.models import Deal, LineItem, Pipeline
from rapport.deals.queries import Stay, is_stuck

ContactRole = Literal[
    "decision_maker", "economic_buyer", "champion", "influencer", "technical_evaluator", "user",
    "other",
]  # fmt: skip
ForecastCategory = Literal["pipeline", "best_case", "commit", "omitted", "closed"]
StageKind = Literal["open", "won", "lost"]


class DealContactRef(Schema):
    model_config = ConfigDict(extra="forbid")

    contact_id: RecordId
    role: ContactRole = "other"
    is_primary: bool = False


class DealUpdate(Schema):
    """Every field optional; read-only fields (id, version, workspace...) are refused (422).

    Changing `stage_id` moves the deal (a lost stage needs `lost_reason`); a `pipeline_id`
    without a stage puts it in that pipeline's first open stage.
    """

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    amount: decimal.Decimal | None = None
    currency: str | None = None
    pipeline_id: RecordId | None = None
    stage_id: RecordId | None = None
    expected_close_on: dt.date | None = None
    closed_on: dt.date | None = None
    owner_id: RecordId | None = None
    company_id: RecordId | None = None
    contacts: list[DealContactRef] | None = None
    next_step: str | None = None
    next_step_on: dt.date | None = None
    lost_reason: str | None = None
    forecast_category: ForecastCategory | None = None
    source: str | None = None
    price_book_id: RecordId | None = Field(
        None, description="The price book new line items take their prices from."
    )
    tags: list[int | str] | None = None
    custom: dict[str, Any] | None = None


class DealCreate(DealUpdate):
    name: str


class StageRef(Schema):
    id: int
    name: str
    kind: StageKind
    probability: int


class DealRead(Schema):
    id: int
    name: str
    amount: str | None
    currency: str
    pipeline_id: int
    stage: StageRef
    stage_entered_at: dt.datetime
    expected_close_on: dt.date | None
    closed_on: dt.date | None
    owner_id: int | None
    last_assignment: str = Field(description="Why the owner is the owner (set by workflows).")
    company_id: int | None
    contacts: list[DealContactRef]
    next_step: str
    next_step_on: dt.date | None
    lost_reason: str
    forecast_category: ForecastCategory
    source: str
    price_book_id: int | None
    tags: list[TagRef]
    custom: dict[str, Any]
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime
    deleted_at: dt.datetime | None


class DealMove(Schema):
    model_config = ConfigDict(extra="forbid")

    stage_id: RecordId
    lost_reason: str | None = Field(None, description="Required when the stage is a lost one.")


def deal_body(deal: Deal, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API shape of a deal, fetched with deals.queries.RELATED and its stage."""
    plain = (
        "name", "currency", "pipeline_id", "stage_entered_at", "expected_close_on", "closed_on",
        "owner_id", "last_assignment", "company_id", "next_step", "next_step_on", "lost_reason",
        "forecast_category", "source", "price_book_id", "version", "created_at", "updated_at",
        "deleted_at",
    )  # fmt: skip
    body: dict[str, Any] = {"id": deal.pk, **{name: getattr(deal, name) for name in plain}}
    body["amount"] = None if deal.amount is None else str(deal.amount)
    stage = deal.stage
    body["stage"] = {
        "id": stage.pk, "name": stage.name, "kind": stage.kind, "probability": stage.probability
    }  # fmt: skip
    body["contacts"] = [
        {"contact_id": c.contact_id, "role": c.role, "is_primary": c.is_primary}
        for c in deal.contact_rows  # type: ignore[attr-defined]
    ]
    body["tags"] = tag_refs(deal)
    body["custom"] = visible_custom(deal.custom, custom_fields)
    return body


# --- Line items ---------------------------------------------------------------------------------


class LineItemWrite(Schema):
    """One line. Left out, a kept line's fields keep their values and a new line's come from
    the product (its price from the deal's price book, else its list price)."""

    model_config = ConfigDict(extra="forbid")

    id: RecordId | None = Field(None, description="A line of the deal to keep; none adds one.")
    product_id: RecordId | None = Field(None, description="An active product; none: a free line.")
    name: str | None = Field(None, description="The product's name by default.")
    description: str | None = None
    quantity: decimal.Decimal | None = Field(None, description='above 0, 4 decimals; "1" default')
    unit_price: decimal.Decimal | None = Field(None, description="in the deal's currency")
    discount_percent: decimal.Decimal | None = Field(None, description="0 to 100")
    tax_rate: decimal.Decimal | None = Field(None, description="percent; the product's default")


class LineItemsWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    items: list[LineItemWrite] = Field(description="Every line, in order: replaces the list.")


class LineItemRead(Schema):
    id: int
    product_id: int | None
    sku: str | None
    name: str
    description: str
    quantity: str
    unit_price: str
    discount_percent: str
    tax_rate: str
    net: str = Field(description="quantity x unit price x (1 - discount), rounded half up")
    tax: str = Field(description="net x tax rate, rounded half up")
    total: str


class TaxRead(Schema):
    rate: str
    net: str
    tax: str


class LineItemsRead(Schema):
    deal_id: int
    currency: str
    price_book_id: int | None
    items: list[LineItemRead]
    subtotal: str = Field(description="The sum of the nets: the deal's amount, before tax.")
    taxes: list[TaxRead]
    tax: str
    total: str


def line_items_body(deal: Deal, items: list[LineItem]) -> dict[str, Any]:
    """The API shape of a deal's line items with each line's and the list's amounts."""
    rows, pairs = [], []
    for item in items:
        amounts = line_amounts(item.quantity, item.unit_price, item.discount_percent, item.tax_rate)
        pairs.append((item.tax_rate, amounts))
        rows.append({
            "id": item.pk, "product_id": item.product_id,
            "sku": item.product.sku if item.product else None, "name": item.name,
            "description": item.description, "quantity": str(item.quantity),
            "unit_price": str(item.unit_price), "discount_percent": str(item.discount_percent),
            "tax_rate": str(item.tax_rate), "net": str(amounts.net), "tax": str(amounts.tax),
            "total": str(amounts.total),
        })  # fmt: skip
    sums = totals(pairs)
    return {
        "deal_id": deal.pk,
        "currency": deal.currency,
        "price_book_id": deal.price_book_id,
        "items": rows,
        "subtotal": str(sums.subtotal),
        "taxes": [{"rate": str(t.rate), "net": str(t.net), "tax": str(t.tax)} for t in sums.taxes],
        "tax": str(sums.tax),
        "total": str(sums.total),
    }


class StayRead(Schema):
    stage: StageRef
    entered_at: dt.datetime
    left_at: dt.datetime | None
    duration_seconds: int
    changed_by_id: int | None


def stay_body(stay: Stay) -> dict[str, Any]:
    stage = stay.stage
    return {
        "stage": {"id": stage.pk, "name": stage.name, "kind": stage.kind,
                  "probability": stage.probability},
        "entered_at": stay.entered_at,
        "left_at": stay.left_at,
        "duration_seconds": int(stay.duration.total_seconds()),
        "changed_by_id": stay.changed_by_id,
    }  # fmt: skip


# --- Pipelines ----------------------------------------------------------------------------------


class StageWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    id: RecordId | None = Field(None, description="An existing stage to keep; none adds one.")
    name: str
    probability: int | None = Field(None, ge=0, le=100)
    kind: StageKind = "open"
    expected_days: int | None = Field(None, ge=1, le=3650)


class PipelineCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    stages: list[StageWrite] | None = Field(
        None, description="In order; default: six stages from Qualification to Won and Lost."
    )


class PipelineUpdate(Schema):
    """`stages` replaces the stage list: stages left out are removed, and `stage_moves`
    ({removed stage id: kept stage id}) says where their deals go."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    stages: list[StageWrite] | None = None
    stage_moves: dict[str, RecordId] | None = None


class StageRead(Schema):
    id: int
    name: str
    position: int
    probability: int
    kind: StageKind
    expected_days: int | None


class PipelineRead(Schema):
    id: int
    name: str
    position: int
    stages: list[StageRead]
    version: int
    created_at: dt.datetime


class PipelineOrder(Schema):
    model_config = ConfigDict(extra="forbid")

    pipeline_ids: list[RecordId]


def stage_write(stage: StageWrite) -> dict[str, Any]:
    """A stage as the services take it (probability left out when not given)."""
    return stage.model_dump(exclude_none=True) | {"expected_days": stage.expected_days}


def pipeline_body(pipeline: Pipeline) -> dict[str, Any]:
    """The API shape of a pipeline, fetched by deals.queries.list_pipelines (stage_rows)."""
    stages = [
        {"id": s.pk, "name": s.name, "position": s.position, "probability": s.probability,
         "kind": s.kind, "expected_days": s.expected_days}
        for s in pipeline.stage_rows  # type: ignore[attr-defined]
    ]  # fmt: skip
    return {
        "id": pipeline.pk,
        "name": pipeline.name,
        "position": pipeline.position,
        "stages": stages,
        "version": pipeline.version,
        "created_at": pipeline.created_at,
    }


class EngagementReason(Schema):
    points: int
    reason: str


class EngagementRead(Schema):
    score: int | None = Field(description="0-100; null for a closed deal.")
    level: str | None = Field(description="high, medium or low")
    last_activity_at: dt.datetime | None
    reasons: list[EngagementReason]


def engagement_body(engagement: Engagement | None) -> dict[str, Any]:
    if engagement is None:
        return {"score": None, "level": None, "last_activity_at": None, "reasons": []}
    return {
        "score": engagement.score,
        "level": engagement.level,
        "last_activity_at": engagement.last_activity_at,
        "reasons": [{"points": p, "reason": r} for p, r in engagement.reasons],
    }


# --- Board -------------------------------------------------------------------------------------


class MoneyRead(Schema):
    amount: str
    currency: str
    missing: list[str] = Field(description="Currencies left out for want of an exchange rate.")


class CardRead(Schema):
    id: int
    name: str
    amount: str | None
    currency: str
    expected_close_on: dt.date | None
    owner_id: int | None
    company_id: int | None
    stage_entered_at: dt.datetime
    is_stuck: bool
    version: int


class ColumnRead(Schema):
    stage: StageRef
    count: int
    total: MoneyRead
    weighted: MoneyRead
    cards: list[CardRead]
    next_cursor: str | None = Field(
        description="More cards: GET /deals?filter=stage_id:eq:<id>&sort=stage_entered_at&cursor="
    )


class BoardRead(Schema):
    pipeline_id: int
    open_total: MoneyRead
    open_weighted: MoneyRead
    columns: list[ColumnRead]


def money_body(money: MoneySum) -> dict[str, Any]:
    return {
        "amount": str(money.amount),
        "currency": money.currency,
        "missing": sorted(money.missing),
    }


def board_body(board: Board, now: dt.datetime) -> dict[str, Any]:
    columns = []
    for column in board.columns:
        stage = column.stage
        cards = [
            {"id": d.pk, "name": d.name, "amount": None if d.amount is None else str(d.amount),
             "currency": d.currency, "expected_close_on": d.expected_close_on,
             "owner_id": d.owner_id, "company_id": d.company_id,
             "stage_entered_at": d.stage_entered_at, "is_stuck": is_stuck(d, now),
             "version": d.version}
            for d in column.cards.items
        ]  # fmt: skip
        columns.append({
            "stage": {"id": stage.pk, "name": stage.name, "kind": stage.kind,
                      "probability": stage.probability},
            "count": column.count, "total": money_body(column.total),
            "weighted": money_body(column.weighted), "cards": cards,
            "next_cursor": column.cards.next_cursor,
        })  # fmt: skip
    return {
        "pipeline_id": board.pipeline.pk,
        "open_total": money_body(board.open_total),
        "open_weighted": money_body(board.open_weighted),
        "columns": columns,
    }


# --- CSV export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = (
    "id", "name", "amount", "currency", "pipeline", "stage", "stage_kind", "expected_close_on",
    "closed_on", "owner_email", "company_id", "company", "forecast_category", "next_step",
    "next_step_on", "lost_reason", "source", "tags", "created_at", "updated_at",
)  # fmt: skip


def deal_row(
    deal: Deal, custom_fields: list[CustomField], user_emails: dict[int, str]
) -> dict[str, Any]:
    body = deal_body(deal, custom_fields)
    row = {name: body.get(name) for name in EXPORT_COLUMNS}
    row |= {
        "pipeline": deal.pipeline.name,
        "stage": deal.stage.name,
        "stage_kind": deal.stage.kind,
        "company": deal.company.name if deal.company else "",
        "tags": [tag["name"] for tag in body["tags"]],
        "owner_email": user_emails.get(deal.owner_id or 0, ""),
    }
    return {**row, **custom_cells(deal, custom_fields, user_emails)}
