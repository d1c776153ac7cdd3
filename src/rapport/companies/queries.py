"""Reads about companies, and the list and export mechanics companies and contacts share."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Generic, TypeVar

from django.db import models
from django.db.models import Prefetch

from rapport.companies.models import Company
from rapport.core.api_support import ExportParams, ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q, parse_term
from rapport.core.pagination import Page, SortKey, keyset_chunks, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField
from rapport.customfields.queries import filter_fields_of, sort_names, with_custom_values
from rapport.workspaces.models import User

M = TypeVar("M", bound=models.Model)
OBJECT_TYPE = "company"
FILTERS = {
    "name": FilterField("name"),
    "industry": FilterField("industry"),
    "domain": FilterField("domains__domain", many=True),
    "phone": FilterField("phone"),
    "website": FilterField("website"),
    "city": FilterField("city"),
    "region": FilterField("region"),
    "country": FilterField("country"),
    "employee_count": FilterField("employee_count", "integer"),
    "annual_revenue": FilterField("annual_revenue", "decimal"),
    "id": FilterField("id", "id"),
    "owner_id": FilterField("owner_id", "id"),
    "tags": FilterField("tags__name", many=True),
    "tag_id": FilterField("tags__id", "id", many=True),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
# Prefetched into plain lists (to_attr): cheaper per row than related managers.
RELATED = (Prefetch("domains", to_attr="domain_rows"), Prefetch("tags", to_attr="tag_rows"))
SORTS = {"name", "employee_count", "annual_revenue", "country", "created_at", "updated_at", "id"}


@dataclass(frozen=True)
class ExportChunk(Generic[M]):
    """Up to `core.pagination.CHUNK_SIZE` records of an export, with the users they name."""

    records: list[M]
    user_emails: dict[int, str]  # by user id: the owners and the user-type custom values


def record_query(
    queryset: models.QuerySet[M],
    params: ListParams | ExportParams,
    filters: dict[str, FilterField],
    sorts: set[str],
    custom_fields: list[CustomField],
) -> tuple[models.QuerySet[M], list[SortKey]]:
    """The records matching standard and custom filters, and the sort (custom too) to walk them."""
    filters = {**filters, **filter_fields_of(custom_fields)}
    keys = parse_sort(params.sort, sorts | sort_names(custom_fields), "-created_at")
    queryset, keys = with_custom_values(queryset, custom_fields, keys)
    queryset = queryset.filter(filters_q(filters, params.filter))
    names = {parse_term(term)[0] for term in params.filter}
    if any(filters[name].many for name in names):
        queryset = queryset.distinct()  # a join to a many-valued relation repeats rows
    return queryset, keys


def record_page(
    queryset: models.QuerySet[M],
    params: ListParams,
    filters: dict[str, FilterField],
    sorts: set[str],
    custom_fields: list[CustomField],
) -> Page[M]:
    """One page of records: standard and custom filters, sort (custom too), keyset cursor."""
    queryset, keys = record_query(queryset, params, filters, sorts, custom_fields)
    return keyset_page(queryset, keys, params.limit, params.cursor)


def export_chunks(
    queryset: models.QuerySet[M],
    params: ExportParams,
    filters: dict[str, FilterField],
    sorts: set[str],
    custom_fields: list[CustomField],
) -> Iterator[ExportChunk[M]]:
    """Every record a list with these filters and sort would show, one chunk per query.

    Filters and sort are checked, and the first chunk read, when this is called; the rest are
    read as the caller iterates. Each chunk adds one query for the emails of the users it names.
    """
    queryset, keys = record_query(queryset, params, filters, sorts, custom_fields)
    user_keys = [f.key for f in custom_fields if f.field_type == "user"]
    return (
        ExportChunk(records, _user_emails(records, user_keys))
        for records in keyset_chunks(queryset, keys)
    )


def _user_emails(records: list[M], user_keys: list[str]) -> dict[int, str]:
    ids = {getattr(record, "owner_id", None) for record in records}
    ids |= {getattr(record, "custom", {}).get(key) for record in records for key in user_keys}
    wanted = {i for i in ids if isinstance(i, int)}
    if not wanted:
        return {}
    return dict(User.objects.filter(pk__in=wanted).values_list("pk", "email"))


def visible_companies(principal: Principal) -> models.QuerySet[Company]:
    return visible(principal, Company.objects.all(), OBJECT_TYPE)


def get_company(principal: Principal, company_id: int) -> Company:
    company = (
        visible_companies(principal).prefetch_related(*RELATED).filter(pk=company_id)
    ).first()
    if company is None:
        raise NotFound("company not found")
    return company


def find_company(principal: Principal, company_id: int) -> Company | None:
    return visible_companies(principal).filter(pk=company_id).first()


def list_companies(
    principal: Principal, params: ListParams, custom_fields: list[CustomField]
) -> Page[Company]:
    qs = visible_companies(principal).prefetch_related(*RELATED)
    return record_page(qs, params, FILTERS, SORTS, custom_fields)


def companies_to_export(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField]
) -> Iterator[ExportChunk[Company]]:
    """The companies an export writes: those the principal may both view and export."""
    exportable = visible(principal, visible_companies(principal), OBJECT_TYPE, "export")
    qs = exportable.prefetch_related(*RELATED)
    return export_chunks(qs, params, FILTERS, SORTS, custom_fields)


def company_names(principal: Principal, company_ids: Iterable[int | None]) -> dict[int, str]:
    """{id: name} of the visible companies among `company_ids` (for links on other pages)."""
    wanted = {i for i in company_ids if i}
    if not wanted:
        return {}
    rows = visible_companies(principal).filter(pk__in=wanted).values_list("pk", "name")
    return dict(rows)


def find_companies_named(principal: Principal, name: str, limit: int = 2) -> list[Company]:
    """Visible companies whose name is exactly `name` (any case), for pickers that take a name."""
    return list(
        visible_companies(principal).filter(name__iexact=name.strip()).order_by("pk")[:limit]
    )


def find_companies_by_domain(
    principal: Principal, domains: list[str], limit: int = 5
) -> list[Company]:
    """Visible companies holding any of `domains` (lower-cased), for duplicate warnings."""
    wanted = {d.strip().lower() for d in domains if d.strip()}
    if not wanted:
        return []
    qs = visible_companies(principal).filter(domains__domain__in=wanted).distinct()
    return list(qs.order_by("pk")[:limit])


def suggest_companies(principal: Principal, prefix: str, limit: int = 10) -> list[str]:
    """Names of visible companies starting with `prefix`, for a picker's suggestions."""
    if not prefix.strip():
        return []
    qs = visible_companies(principal).filter(name__istartswith=prefix.strip()).order_by("name")
    return list(qs.values_list("name", flat=True)[:limit])
