"""Reads about companies, and the list mechanics companies and contacts share."""

from __future__ import annotations

from typing import TypeVar

from django.db import models

from rapport.companies.models import Company
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q, parse_term
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField
from rapport.customfields.queries import filter_fields_of, sort_names, with_custom_values

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
    "owner_id": FilterField("owner_id", "id"),
    "tags": FilterField("tags__name", many=True),
    "tag_id": FilterField("tags__id", "id", many=True),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
SORTS = {"name", "employee_count", "annual_revenue", "country", "created_at", "updated_at", "id"}


def record_page(
    queryset: models.QuerySet[M],
    params: ListParams,
    filters: dict[str, FilterField],
    sorts: set[str],
    custom_fields: list[CustomField],
) -> Page[M]:
    """One page of records: standard and custom filters, sort (custom too), keyset cursor."""
    filters = {**filters, **filter_fields_of(custom_fields)}
    keys = parse_sort(params.sort, sorts | sort_names(custom_fields), "-created_at")
    queryset, keys = with_custom_values(queryset, custom_fields, keys)
    queryset = queryset.filter(filters_q(filters, params.filter))
    names = {parse_term(term)[0] for term in params.filter}
    if any(filters[name].many for name in names):
        queryset = queryset.distinct()  # a join to a many-valued relation repeats rows
    return keyset_page(queryset, keys, params.limit, params.cursor)


def visible_companies(principal: Principal) -> models.QuerySet[Company]:
    return visible(principal, Company.objects.all(), OBJECT_TYPE)


def get_company(principal: Principal, company_id: int) -> Company:
    company = (
        visible_companies(principal).prefetch_related("domains", "tags").filter(pk=company_id)
    ).first()
    if company is None:
        raise NotFound("company not found")
    return company


def find_company(principal: Principal, company_id: int) -> Company | None:
    return visible_companies(principal).filter(pk=company_id).first()


def list_companies(
    principal: Principal, params: ListParams, custom_fields: list[CustomField]
) -> Page[Company]:
    qs = visible_companies(principal).prefetch_related("domains", "tags")
    return record_page(qs, params, FILTERS, SORTS, custom_fields)
