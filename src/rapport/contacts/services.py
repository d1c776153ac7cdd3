"""Writes about contacts: create, update, soft delete, restore and hard delete; and the CSV
export, which reads but is here because it checks a right and writes an audit entry.

Rules kept here: one primary email (mirrored into `primary_email`), phones in E.164, the
company in the same workspace (a move records the old one as a past company), consent changes
stamped with `consent_at`, owners only reassigned by roles with edit scope "all".
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.companies.queries import ExportChunk, find_company
from rapport.companies.services import (
    check_owner,
    clean_with,
    tag_ids,
    text_cleaners,
)
from rapport.contacts.models import (
    CONSENT_STATUSES,
    LEAD_RATINGS,
    LEAD_STATUSES,
    LIFECYCLE_STAGES,
    Contact,
    ContactEmail,
    ContactPhone,
    PastCompany,
)
from rapport.contacts.queries import contacts_to_export
from rapport.core.api_support import ExportParams
from rapport.core.audit import diff, record_change, record_event
from rapport.core.errors import FieldError, Invalid
from rapport.core.lifecycle import check_version, erase, lock_record, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, require
from rapport.customfields import values
from rapport.customfields.models import CustomField
from rapport.customfields.services import clean_custom_values, merge_custom
from rapport.search.indexing import contact_entry
from rapport.search.services import index_record, remove_record
from rapport.tags.services import resolve_tags
from rapport.workspaces.models import Workspace

OBJECT_TYPE = "contact"
PHONE_KINDS = ("work", "mobile", "home", "other")
TEXT_FIELDS = (
    "first_name", "last_name", "job_title", "lead_source", "street", "city", "region",
    "postal_code", "consent_source", "unqualified_reason", "last_assignment",
)  # fmt: skip
SCALARS = (
    *TEXT_FIELDS, "country", "birthday", "lifecycle_stage", "consent_status", "consent_at",
    "lead_status", "lead_rating",
)  # fmt: skip


def _choice(allowed: tuple[str, ...]) -> Callable[[Any], str]:
    def clean(raw: Any) -> str:
        if raw not in allowed:
            raise ValueError(f"Choose one of {', '.join(allowed)}.")
        return str(raw)

    return clean


CLEANERS: dict[str, Callable[[Any], Any]] = {
    **text_cleaners(Contact, TEXT_FIELDS),
    "country": values.normalise_country,
    "lifecycle_stage": _choice(LIFECYCLE_STAGES),
    "consent_status": _choice(CONSENT_STATUSES),
    "lead_status": _choice(("", *LEAD_STATUSES)),
    "lead_rating": _choice(("", *LEAD_RATINGS)),
}


def snapshot(contact: Contact) -> dict[str, Any]:
    data = {name: getattr(contact, name) for name in SCALARS}
    has_rows = contact.pk is not None
    data |= {
        "company_id": contact.company_id,
        "owner_id": contact.owner_id,
        "custom": contact.custom,
        "primary_email": contact.primary_email,
        "emails": [e.email for e in contact.emails.order_by("-is_primary", "id")]
        if has_rows
        else [],
        "phones": [p.number for p in contact.phones.order_by("-is_primary", "id")]
        if has_rows
        else [],
        "tags": tag_ids(contact),
    }
    return data


def _primary_index(rows: list[dict[str, Any]], field: str) -> int:
    flagged = [i for i, row in enumerate(rows) if row.get("is_primary")]
    if len(flagged) > 1:
        raise Invalid.on((field, flagged[1], "is_primary"), f"Only one of the {field} is primary.")
    return flagged[0] if flagged else 0


def _emails(rows: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    """(email, is_primary) pairs: validated, lower-case, distinct, exactly one primary."""
    primary = _primary_index(rows, "emails")
    cleaned: list[tuple[str, bool]] = []
    problems: list[FieldError] = []
    for i, row in enumerate(rows):
        try:
            email = values.normalise_email(row.get("email"))
        except ValueError as exc:
            problems.append(FieldError(("emails", i, "email"), str(exc)))
            continue
        if any(email == seen for seen, _ in cleaned):
            problems.append(FieldError(("emails", i, "email"), f"{email} is listed twice."))
        cleaned.append((email, i == primary))
    if problems:
        raise Invalid("Some emails are not valid.", problems)
    return cleaned


def _phones(rows: list[dict[str, Any]], region: str) -> list[tuple[str, str, bool]]:
    """(number, kind, is_primary) triples in E.164, read in the workspace's country."""
    primary = _primary_index(rows, "phones")
    cleaned: list[tuple[str, str, bool]] = []
    problems: list[FieldError] = []
    for i, row in enumerate(rows):
        kind = row.get("kind") or "work"
        if kind not in PHONE_KINDS:
            problems.append(FieldError(("phones", i, "kind"), f"Use {', '.join(PHONE_KINDS)}."))
        try:
            cleaned.append((values.normalise_phone(row.get("number"), region), kind, i == primary))
        except ValueError as exc:
            problems.append(FieldError(("phones", i, "number"), str(exc)))
    if problems:
        raise Invalid("Some phone numbers are not valid.", problems)
    return cleaned


def _check_company(principal: Principal, company_id: int | None) -> None:
    if company_id is not None and find_company(principal, company_id) is None:
        raise Invalid.on("company_id", "No such company in this workspace.")


def _move_company(contact: Contact, new_company_id: int | None) -> None:
    """Keep the company the contact leaves as a past company, with the title they had there."""
    old = contact.company_id
    if old is None or old == new_company_id:
        return
    PastCompany.objects.update_or_create(
        contact=contact,
        company_id=old,
        defaults={"job_title": contact.job_title, "ended_on": timezone.localdate()},
    )


def _clean(
    principal: Principal, contact: Contact, data: dict[str, Any], partial: bool
) -> dict[str, Any]:
    cleaned, problems = clean_with(CLEANERS, data)
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    if "owner_id" in cleaned:
        check_owner(principal, OBJECT_TYPE, cleaned["owner_id"], contact.owner_id)
        if cleaned["owner_id"] != contact.owner_id and "last_assignment" not in cleaned:
            cleaned["last_assignment"] = ""  # the note explains the owner it came with
    if "company_id" in cleaned:
        _check_company(principal, cleaned["company_id"])
    status = cleaned.get("lead_status", contact.lead_status)
    if status == "unqualified":
        if not cleaned.get("unqualified_reason", contact.unqualified_reason):
            raise Invalid.on("unqualified_reason", "Say why the lead is unqualified.")
    elif "lead_status" in cleaned:
        cleaned["unqualified_reason"] = ""  # a reason only ever explains "unqualified"
    if cleaned.get("consent_status", contact.consent_status) != contact.consent_status:
        cleaned["consent_at"] = timezone.now()
    if "custom" in data or not partial:
        custom = clean_custom_values(
            principal.workspace_id, OBJECT_TYPE, data.get("custom"), partial=partial
        )
        cleaned["custom"] = merge_custom(contact.custom, custom)
    return cleaned


def _apply(principal: Principal, contact: Contact, data: dict[str, Any], partial: bool) -> None:
    """Validate `data` and save it on `contact`, with emails, phones and tags."""
    # An explicit null clears the list, like an empty one.
    rows = {k: data.pop(k) or [] for k in ("emails", "phones", "tags") if k in data}
    region = Workspace.objects.values_list("default_country", flat=True).get(
        pk=principal.workspace_id
    )
    emails = _emails(rows["emails"]) if "emails" in rows else None
    phones = _phones(rows["phones"], region) if "phones" in rows else None
    cleaned = _clean(principal, contact, data, partial)
    tags = resolve_tags(principal, rows["tags"]) if "tags" in rows else None
    if contact.pk is not None and "company_id" in cleaned:
        _move_company(contact, cleaned["company_id"])
    for name, value in cleaned.items():
        setattr(contact, name, value)
    if emails is not None:
        contact.primary_email = next((e for e, primary in emails if primary), "")
    if not (contact.first_name or contact.last_name or contact.primary_email):
        raise Invalid.on("first_name", "Give the contact a name or an email address.")
    contact.save()
    if emails is not None:
        contact.emails.all().delete()
        ContactEmail.objects.bulk_create(
            ContactEmail(contact=contact, workspace_id=contact.workspace_id, email=e, is_primary=p)
            for e, p in emails
        )
    if phones is not None:
        contact.phones.all().delete()
        ContactPhone.objects.bulk_create(
            ContactPhone(
                contact=contact, workspace_id=contact.workspace_id, number=n, kind=k, is_primary=p
            )
            for n, k, p in phones
        )
    if tags is not None:
        contact.tags.set(tags)


def _index(contact: Contact) -> None:
    index_record(**contact_entry(contact))


@transaction.atomic
def create_contact(principal: Principal, data: dict[str, Any]) -> Contact:
    require(principal, "create", OBJECT_TYPE)
    data = {"owner_id": principal.user_id, **data}
    contact = Contact(workspace_id=principal.workspace_id)
    _apply(principal, contact, data, partial=False)
    record_change(principal, "create", OBJECT_TYPE, contact, snapshot(contact))
    _index(contact)
    return contact


@transaction.atomic
def update_contact(
    principal: Principal, contact_id: int, data: dict[str, Any], expected_version: int | None = None
) -> Contact:
    contact = lock_record(Contact, principal, contact_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, contact)
    check_version(contact, expected_version)
    before = snapshot(contact)
    contact.bump()
    _apply(principal, contact, dict(data), partial=True)
    record_change(principal, "update", OBJECT_TYPE, contact, diff(before, snapshot(contact)))
    _index(contact)
    return contact


@transaction.atomic
def delete_contact(principal: Principal, contact_id: int) -> None:
    """Move the contact to the restore bin."""
    contact = lock_record(Contact, principal, contact_id, deleted=False)
    move_to_bin(principal, contact, snapshot)
    remove_record(contact.workspace_id, OBJECT_TYPE, contact.pk)


@transaction.atomic
def restore_contact(principal: Principal, contact_id: int) -> Contact:
    contact = lock_record(Contact, principal, contact_id, deleted=True)
    restore_from_bin(principal, contact)
    _index(contact)
    return contact


@transaction.atomic
def hard_delete_contact(principal: Principal, contact_id: int) -> None:
    """Erase the contact and its emails, phones and past companies for good (admins only)."""
    contact = lock_record(Contact, principal, contact_id, deleted=None)
    workspace_id, pk = contact.workspace_id, contact.pk
    erase(principal, contact, snapshot)
    remove_record(workspace_id, OBJECT_TYPE, pk)


@transaction.atomic
def bulk_update_contacts(principal: Principal, contact_ids: list[int], data: dict[str, Any]) -> int:
    """The same change on each contact, all or none (one denied contact changes nothing)."""
    for contact_id in contact_ids:
        update_contact(principal, contact_id, dict(data))
    return len(contact_ids)


@transaction.atomic
def bulk_tag_contacts(
    principal: Principal, contact_ids: list[int], add: str = "", remove: str = ""
) -> int:
    """Add a tag to (or remove one from) each contact, keeping their other tags."""
    for contact_id in contact_ids:
        contact = lock_record(Contact, principal, contact_id, deleted=False)  # NotFound elsewhere
        current = list(contact.tags.values_list("pk", "name"))
        refs: list[int | str] = [pk for pk, name in current if name.lower() != remove.lower()]
        if add and add.lower() not in {name.lower() for _, name in current}:
            refs.append(add)
        update_contact(principal, contact_id, {"tags": refs})
    return len(contact_ids)


@transaction.atomic
def bulk_delete_contacts(principal: Principal, contact_ids: list[int]) -> int:
    """Move each contact to the restore bin, all or none."""
    for contact_id in contact_ids:
        delete_contact(principal, contact_id)
    return len(contact_ids)


def export_contacts(
    principal: Principal, params: ExportParams, custom_fields: list[CustomField], columns: list[str]
) -> Iterator[ExportChunk[Contact]]:
    """The contacts of a CSV export, chunk by chunk, logged as one audit entry.

    Needs the export right, whose scope picks the rows. Filters and sort are checked, and the
    first chunk read, before the entry is written: a refused export leaves no trace.
    """
    require(principal, "export", OBJECT_TYPE)
    chunks = contacts_to_export(principal, params, custom_fields)
    details = {"filter": params.filter, "sort": params.sort, "fields": columns}
    record_event(principal, "export", OBJECT_TYPE, details)
    return chunks
