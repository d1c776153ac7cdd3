"""What every deal page shares: the field specs, a deal's page body, the names it shows beside
it, and the in-place editor of a deal's fields."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from typing import Any

from rapport.companies.queries import company_names, find_companies_named
from rapport.core.errors import Invalid
from rapport.core.field_specs import FieldSpec
from rapport.core.inline_edit import RecordEditor
from rapport.core.permissions import Principal
from rapport.customfields.models import CustomField
from rapport.customfields.queries import active_fields
from rapport.deals import queries, services
from rapport.deals.forms import deal_specs
from rapport.deals.models import Deal, Pipeline
from rapport.deals.schemas import deal_body
from rapport.workspaces.queries import find_workspace, member_labels

OBJECT_TYPE = "deal"


def specs_of(principal: Principal, pipelines: list[Pipeline] | None = None) -> list[FieldSpec]:
    custom_fields = active_fields(principal.workspace_id, OBJECT_TYPE)
    return deal_specs(
        custom_fields, queries.pipelines_of(principal) if pipelines is None else pipelines
    )


def pipelines_or_default(principal: Principal) -> list[Pipeline]:
    """The workspace's pipelines; the first visit to the deal pages creates the default one."""
    pipelines = queries.pipelines_of(principal)
    if not pipelines:
        services.ensure_default_pipeline(principal.workspace_id)
        pipelines = queries.pipelines_of(principal)
    return pipelines


def page_body(deal: Deal, custom_fields: list[CustomField]) -> dict[str, Any]:
    """The API body, plus the stage and pipeline ids as the stage and pipeline <select>s hold
    them (strings), so a select shows the current choice and a conflict compares like with like.
    """
    body = deal_body(deal, custom_fields)
    return body | {"stage_id": str(deal.stage_id), "pipeline_id": str(deal.pipeline_id)}


def zone_of(principal: Principal) -> zoneinfo.ZoneInfo:
    """The workspace's time zone, in which pages show times and dates."""
    try:
        return zoneinfo.ZoneInfo(find_workspace(principal).time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def display_context(principal: Principal, company_ids: Iterable[int | None]) -> dict[str, Any]:
    """What showing deals needs besides their bodies: names of owners and companies."""
    members = member_labels(principal)
    return {
        "members": members,
        "member_choices": list(members.items()),
        "company_names": company_names(principal, company_ids),
        "time_zone": find_workspace(principal).time_zone,
    }


def load(principal: Principal, deal_id: int) -> tuple[Deal, dict[str, Any]]:
    deal = queries.get_deal(principal, deal_id)
    return deal, page_body(deal, active_fields(principal.workspace_id, OBJECT_TYPE))


def with_ids(principal: Principal, data: dict[str, Any]) -> dict[str, Any]:
    """The form's values as the service takes them: the company picker posts a name (the one
    company so named), the selects post ids as text."""
    data = dict(data)
    for key in ("pipeline_id", "stage_id"):
        if isinstance(data.get(key), str) and data[key].isdigit():
            data[key] = int(data[key])
    company = data.get("company_id")
    if isinstance(company, str):
        found = find_companies_named(principal, company)
        if len(found) != 1:
            problem = "No company has that name." if not found else "Several have that name."
            raise Invalid.on("company_id", f"{problem} Pick one from the suggestions.")
        data["company_id"] = found[0].pk
    return data


def _update(principal: Principal, deal_id: int, data: dict[str, Any], version: int) -> object:
    return services.update_deal(principal, deal_id, with_ids(principal, data), version)


EDITOR = RecordEditor(
    object_type=OBJECT_TYPE,
    url="/deals/{}",
    load=load,
    update=_update,
    specs=specs_of,
    display_context=lambda principal, body: display_context(principal, [body["company_id"]]),
)
