"""Reads about territories: lists, the active territories of a workspace (loaded once per
match), the facts territory rules read of a contact, company or deal, and the ready-made
assignment workflows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from rapport.automation.models import Workflow
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.deals.models import Deal, DealContact
from rapport.territories.matching import Facts, match_territory
from rapport.territories.models import ASSIGNMENT_KINDS, AssignmentWorkflow, Territory

OBJECT_TYPE = "territory"
FILTERS = {
    "name": FilterField("name"),
    "team_id": FilterField("team_id", "id"),
    "is_active": FilterField("is_active", "boolean"),
    "id": FilterField("id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {"position", "name", "created_at", "updated_at", "id"}
DEFAULT_SORT = "position"


def visible_territories(principal: Principal) -> QuerySet[Territory]:
    return visible(principal, Territory.objects.all(), OBJECT_TYPE)


def list_territories(principal: Principal, params: ListParams) -> Page[Territory]:
    qs = visible_territories(principal).filter(filters_q(FILTERS, params.filter))
    keys = parse_sort(params.sort, SORTS, DEFAULT_SORT)
    return keyset_page(qs, keys, params.limit, params.cursor)


def territories_in_order(principal: Principal) -> list[Territory]:
    """Every territory of the workspace (a settings list: small), first match first."""
    return list(visible_territories(principal).select_related("team").order_by("position", "pk"))


def list_active_territories(principal: Principal) -> list[Territory]:
    """The active territories in position order, with their teams: one query, read once per
    assignment or test and then matched in memory."""
    qs = visible_territories(principal).filter(is_active=True).select_related("team")
    return list(qs.order_by("position", "pk"))


def get_territory(principal: Principal, territory_id: int) -> Territory:
    territory = (
        visible_territories(principal).select_related("team").filter(pk=territory_id).first()
    )
    if territory is None:
        raise NotFound("territory not found")
    return territory


def find_territory_for(principal: Principal, facts: Facts) -> Territory | None:
    """The territory these facts fall in (the test box and `POST /territories/match`)."""
    return match_territory(list_active_territories(principal), facts)


# --- The facts of a record ----------------------------------------------------------------------


def _address(record: Any) -> tuple[str, str, str]:
    return (record.country or "", record.region or "", record.postal_code or "")


def _live_company(company: Company | None) -> Company | None:
    return company if company is not None and company.deleted_at is None else None


def _facts(address: tuple[str, str, str], company: Company | None) -> Facts:
    country, region, postal_code = address
    return Facts(
        country=country,
        region=region,
        postal_code=postal_code,
        industry=company.industry if company else "",
        employee_count=company.employee_count if company else None,
    )


def facts_of_company(company: Company) -> Facts:
    return _facts(_address(company), company)


def facts_of_contact(contact: Contact) -> Facts:
    """The contact's own address, or its company's when it has none (no field of it); the
    company's industry and size."""
    company = _live_company(contact.company)
    address = _address(contact)
    if not any(address) and company is not None:
        address = _address(company)
    return _facts(address, company)


def facts_of_deal(deal: Deal) -> Facts:
    """The deal's company (address, industry, size); without a company address, its primary
    contact's address."""
    company = _live_company(deal.company)
    address = _address(company) if company is not None else ("", "", "")
    if not any(address):
        link = (
            DealContact.objects.filter(deal=deal, is_primary=True, contact__deleted_at__isnull=True)
            .select_related("contact")
            .first()
        )
        if link is not None:
            address = _address(link.contact)
    return _facts(address, company)


def facts_of_record(object_type: str, record: Any) -> Facts:
    """The facts of a contact, company or deal (LookupError for another type)."""
    readers: dict[str, Callable[[Any], Facts]] = {
        "contact": facts_of_contact,
        "company": facts_of_company,
        "deal": facts_of_deal,
    }
    if object_type not in readers:
        raise LookupError(f"territories do not cover {object_type} records")
    return readers[object_type](record)


# --- Ready-made assignment workflows -------------------------------------------------------------


def assignment_workflows(principal: Principal) -> dict[str, Workflow | None]:
    """{"lead": its workflow or None, "deal": ...}: the live workflows the territories page set
    up (one deleted since counts as none)."""
    links = AssignmentWorkflow.objects.filter(
        workspace_id=principal.workspace_id, workflow__deleted_at__isnull=True
    ).select_related("workflow__current_version")
    found = {link.kind: link.workflow for link in links}
    return {kind: found.get(kind) for kind in ASSIGNMENT_KINDS}
