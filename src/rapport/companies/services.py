"""Writes about companies: create, update, soft delete, restore and hard delete; and the CSV
export, which reads but is here because it checks a right and writes an audit entry.

Every write checks the permission before changing anything, bumps the version on update,
writes one audit entry (a snapshot on create and delete, a diff on update) and refreshes the
search entry, all inside one transaction.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.db.models import Model

from rapport.companies.models import Company, CompanyDomain
from rapport.companies.queries import ExportChunk, companies_to_export
from rapport.core.api_support import ExportParams
from rapport.core.audit import diff, record_change, record_event
from rapport.core.errors import FieldError, Forbidden, Invalid
from rapport.core.lifecycle import check_version, erase, lock_record, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, require
from rapport.customfields import values
from rapport.customfields.models import CustomField
from rapport.customfields.services import clean_custom_values, merge_custom
from rapport.search.indexing import company_entry
from rapport.search.services import index_record, remove_record
from rapport.tags.services import resolve_tags
from rapport.workspaces.models import Membership, Workspace

OBJECT_TYPE = "company"
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
TEXT_FIELDS = ("name", "industry", "street", "city", "region", "postal_code")


# --- Rules shared with contacts ----------------------------------------------------------------


def check_owner(
    principal: Principal, object_type: str, owner_id: int | None, current: int | None
) -> None:
    """Giving a record to someone else needs edit scope "all" (or admin); owners are members."""
    if owner_id == current:
        return
    if owner_id != principal.user_id and not (
        principal.is_admin or principal.scope_for("edit", object_type) == "all"
    ):
        raise Forbidden("Your role may not give records to other users.")
    if (
        owner_id is not None
        and not Membership.objects.filter(
            workspace_id=principal.workspace_id,
            user_id=owner_id,
            is_active=True,
            user__is_active=True,
        ).exists()
    ):
        raise Invalid.on("owner_id", "The owner must be an active member of this workspace.")


def clean_with(
    cleaners: dict[str, Callable[[Any], Any]], data: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    """Run each field's cleaner; ValueErrors become field errors, other fields pass through."""
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, raw in data.items():
        try:
            cleaned[name] = cleaners[name](raw) if name in cleaners else raw
        except ValueError as exc:
            problems.append(FieldError((name,), str(exc)))
    return cleaned, problems


def text_cleaners(model: type[Model], names: tuple[str, ...]) -> dict[str, Callable[[Any], Any]]:
    def cleaner(limit: int) -> Callable[[Any], str]:
        return lambda raw: values.normalise_text(raw, limit)

    return {n: cleaner(model._meta.get_field(n).max_length or 1000) for n in names}  # type: ignore[union-attr]


def tag_ids(record: Any) -> list[int]:
    return sorted(record.tags.values_list("id", flat=True)) if record.pk else []


# --- Companies ----------------------------------------------------------------------------------


def normalise_domain(raw: Any) -> str:
    """acme.com from "https://www.Acme.com/about"."""
    if not isinstance(raw, str):
        raise ValueError("Enter a domain like acme.com.")
    domain = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw.strip().lower())
    domain = domain.split("/")[0].split("?")[0].split("#")[0].split(":")[0].rstrip(".")
    domain = domain.removeprefix("www.")
    if not _DOMAIN.match(domain):
        raise ValueError(f"{raw!r} is not a domain like acme.com.")
    return domain


def _website(raw: Any) -> str:
    if raw is None or raw == "":
        return ""
    text = str(raw).strip()
    return values.normalise_url(text if "://" in text else f"https://{text}")


def _employee_count(raw: Any) -> int | None:
    if raw is None:
        return None
    count = values.normalise_integer(raw)
    if count < 0:
        raise ValueError("Enter zero or more.")
    return count


def _annual_revenue(raw: Any) -> decimal.Decimal | None:
    """A Decimal, as the API's schema gives, that fits the column (16 digits before the point)."""
    if raw is None:
        return None
    if isinstance(raw, decimal.Decimal):
        raw = str(raw)
    amount = decimal.Decimal(values.normalise_decimal(raw))
    if amount.adjusted() > 15:
        raise ValueError("Enter an amount below 10^16.")
    return amount


def _cleaners(workspace: Workspace) -> dict[str, Callable[[Any], Any]]:
    return {
        **text_cleaners(Company, TEXT_FIELDS),
        "employee_count": _employee_count,
        "annual_revenue": _annual_revenue,
        "phone": lambda raw: values.normalise_phone(raw, workspace.default_country) if raw else "",
        "website": _website,
        "country": values.normalise_country,
        "annual_revenue_currency": lambda raw: values.normalise_currency_code(raw) if raw else "",
    }


def _domains(raw: list[Any]) -> list[str]:
    domains: list[str] = []
    problems = []
    for i, item in enumerate(raw):
        try:
            domain = normalise_domain(item)
        except ValueError as exc:
            problems.append(FieldError(("domains", i), str(exc)))
            continue
        if domain not in domains:
            domains.append(domain)
    if problems:
        raise Invalid("Some domains are not valid.", problems)
    return domains


def snapshot(company: Company) -> dict[str, Any]:
    fields = (*TEXT_FIELDS, "phone", "website", "country", "employee_count", "annual_revenue")
    data = {name: getattr(company, name) for name in fields}
    data |= {
        "annual_revenue_currency": company.annual_revenue_currency,
        "owner_id": company.owner_id,
        "custom": company.custom,
        "domains": sorted(company.domains.values_list("domain", flat=True)) if company.pk else [],
        "tags": tag_ids(company),
    }
    return data


def _apply(principal: Principal, company: Company, data: dict[str, Any], partial: bool) -> None:
    """Validate `data` and set it on `company` (saved), with its domains and tags."""
    workspace = Workspace.objects.get(pk=principal.workspace_id)
    relations = {k: data.pop(k) for k in ("domains", "tags", "custom") if k in data}
    for name in ("domains", "tags"):  # an explicit null clears the list, like an empty one
        if name in relations and relations[name] is None:
            relations[name] = []
    cleaned, problems = clean_with(_cleaners(workspace), data)
    if "name" in cleaned and not cleaned["name"]:
        problems.append(FieldError(("name",), "A company needs a name."))
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    if "owner_id" in cleaned:
        check_owner(principal, OBJECT_TYPE, cleaned["owner_id"], company.owner_id)
    if "custom" in relations or not partial:
        cleaned_custom = clean_custom_values(
            principal.workspace_id, OBJECT_TYPE, relations.get("custom"), partial=partial
        )
        cleaned["custom"] = merge_custom(company.custom, cleaned_custom)
    if cleaned.get("annual_revenue") is not None and not (
        cleaned.get("annual_revenue_currency") or company.annual_revenue_currency
    ):
        cleaned["annual_revenue_currency"] = workspace.default_currency
    tags = resolve_tags(principal, relations["tags"]) if "tags" in relations else None
    domains = _domains(relations["domains"]) if "domains" in relations else None
    for name, value in cleaned.items():
        setattr(company, name, value)
    company.save()
    if tags is not None:
        company.tags.set(tags)
    if domains is not None:
        company.domains.exclude(domain__in=domains).delete()
        existing = set(company.domains.values_list("domain", flat=True))
        CompanyDomain.objects.bulk_create(
            CompanyDomain(company=company, workspace_id=company.workspace_id, domain=d)
            for d in domains
            if d not in existing
        )


def _index(company: Company) -> None:
    index_record(**company_entry(company))


@transaction.atomic
def create_company(principal: Principal, data: dict[str, Any]) -> Company:
    require(principal, "create", OBJECT_TYPE)
    data = {"owner_id": principal.user_id, **data}
    company = Company(workspace_id=principal.workspace_id)
    _apply(principal, company, data, partial=False)
    record_change(principal, "create", OBJECT_TYPE, company, snapshot(company))
    _index(company)
    return company


@transaction.atomic
def update_company(
    principal: Principal, company_id: int, data: dict[str, Any], expected_version: int | None = None
) -> Company:
    company = lock_record(Company, principal, company_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, company)
    check_version(company, expected_version)
    before = snapshot(company)
    company.bump()
    _apply(principal, company, dict(data), partial=True)
    record_change(principal, "update", OBJECT_TYPE, company, diff(before, snapshot(company)))
    _index(company)
    return company


@transaction.atomic
def delete_company(principal: Principal, company_id: int) -> None:
    """Move the company to the restore bin (its contacts keep their link)."""
    company = lock_record(Company, principal, company_id, deleted=False)
    move_to_bin(principal, company, snapshot)
    remove_record(company.workspace_id, OBJECT_TYPE, company.pk)


@transaction.atomic
def restore_company(principal: Principal, company_id: int) -> Company:
    company = lock_record(Company, principal, company_id, deleted=True)
    restore_from_bin(principal, company)
    _index(company)
    return company


@transaction.atomic
def hard_delete_company(principal: Principal, company_id: int) -> None:
    """Erase the company for good (admins only); contacts lose the link, keep everything else."""
    company = lock_record(Company, principal, company_id, deleted=None)
    workspace_id, pk = company.workspace_id, company.pk
    erase(principal, company, snapshot)
    remove_record(workspace_id, OBJECT_TYPE, pk)


@transaction.atomic
def bulk_update_companies(
    principal: Principal, company_ids: list[int], data: dict[str, Any]
) -> int:
    """The same change on each company, all or none (one denied company changes nothing)."""
    for company_id in company_ids:
        update_company(principal, company_id, dict(data))
    return len(company_ids)


@transaction.atomic
def bulk_tag_companies(
    principal: Principal, company_ids: list[int], add: str = "", remove: str = ""
) -> int:
    """Add a tag to (or remove one from) each company, keeping their other tags."""
    links = Company.tags.through.objects.filter(company__workspace_id=principal.workspace_id)
    for company_id in company_ids:
        current = list(links.filter(company_id=company_id).values_list("tag_id", "tag__name"))
        refs: list[int | str] = [pk for pk, name in current if name.lower() != remove.lower()]
        if add and add.lower() not in {name.lower() for _, name in current}:
            refs.append(add)
        update_company(principal, company_id, {"tags": refs})  # checks the company is editable
    return len(company_ids)


@transaction.atomic
def bulk_delete_companies(principal: Principal, company_ids: list[int]) -> int:
    """Move each company to the restore bin, all or none."""
    for company_id in company_ids:
        delete_company(principal, company_id)
    return len(company_ids)


def export_companies(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField], columns: list[str]
) -> Iterator[ExportChunk[Company]]:
    """The companies of a CSV export, chunk by chunk, logged as one audit entry.

    Needs the export right, whose scope picks the rows. Filters and sort are checked, and the
    first chunk read, before the entry is written: a refused export leaves no trace.
    """
    require(principal, "export", OBJECT_TYPE)
    chunks = companies_to_export(principal, params, custom_fields)
    details = {"filter": params.filter, "sort": params.sort, "fields": columns}
    record_event(principal, "export", OBJECT_TYPE, details)
    return chunks
