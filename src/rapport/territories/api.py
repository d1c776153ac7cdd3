"""/api/v1/territories: the rules that route records to teams, their order, and a match test."""

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
from rapport.core.permissions import require
from rapport.territories import queries, services
from rapport.territories.matching import Facts
from rapport.territories.schemas import (
    FactsIn,
    MatchRead,
    TerritoryCreate,
    TerritoryOrder,
    TerritoryRead,
    TerritoryUpdate,
    territory_body,
)

PREFIX = "/territories"
router = Router(tags=["territories"])


@router.get("", response=ListResponse)
def list_territories(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Territories in priority order by default (`sort=position`): the first match wins."""
    fields = selected_fields(params.fields, TerritoryRead.model_fields)
    page = queries.list_territories(principal_of(request), params)
    return json_response(page_body(page, territory_body, fields))


@router.post("", response={201: TerritoryRead})
def create_territory(request: HttpRequest, payload: TerritoryCreate) -> HttpResponse:
    """A new territory, tried after the existing ones."""

    def write() -> HttpResponse:
        data = payload.model_dump(exclude_unset=True)
        territory = services.create_territory(principal_of(request), data)
        location = f"/api/v1{PREFIX}/{territory.pk}"
        return record_response(territory, territory_body(territory), 201, location)

    return idempotent(request, principal_of(request), write)


@router.put("/order", response=list[TerritoryRead])
def order_territories(request: HttpRequest, payload: TerritoryOrder) -> HttpResponse:
    """Set the order territories are tried in; list every one once."""
    principal = principal_of(request)
    services.reorder_territories(principal, list(payload.territory_ids))
    return json_response([territory_body(t) for t in queries.territories_in_order(principal)])


@router.post("/match", response=MatchRead)
def match_territory(request: HttpRequest, payload: FactsIn) -> HttpResponse:
    """Which active territory a record with these facts falls in (null: none). Changes
    nothing: for testing rules."""
    principal = principal_of(request)
    require(principal, "view", queries.OBJECT_TYPE)
    territory = queries.find_territory_for(principal, Facts(**payload.model_dump()))
    return json_response({"territory": territory_body(territory) if territory else None})


@router.get("/{territory_id}", response=TerritoryRead)
def get_territory(request: HttpRequest, territory_id: RecordId) -> HttpResponse:
    territory = queries.get_territory(principal_of(request), territory_id)
    return record_response(territory, territory_body(territory))


@router.patch("/{territory_id}", response=TerritoryRead)
def update_territory(
    request: HttpRequest, territory_id: RecordId, payload: TerritoryUpdate
) -> HttpResponse:
    version = expected_version(request, territory_id)
    territory = services.update_territory(
        principal_of(request), territory_id, payload.model_dump(exclude_unset=True), version
    )
    return record_response(territory, territory_body(territory))


@router.delete("/{territory_id}", response={204: None})
def delete_territory(request: HttpRequest, territory_id: RecordId) -> HttpResponse:
    services.delete_territory(principal_of(request), territory_id)
    return no_content()
