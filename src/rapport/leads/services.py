"""Converting a lead, and undoing it.

A conversion is one transaction of ordinary service writes, so each keeps its own rules,
permissions, audit and events: the company is linked (or created), the contact moves to the
next lifecycle stage with the lead status "qualified", and a deal is created in the chosen
pipeline with the contact as its primary contact. A LeadConversion row remembers what changed;
undoing it sends the deal (and a company the conversion created, if nothing else uses it) to
the restore bin and puts the contact's fields back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from pydantic import BaseModel, Field

from rapport.companies import services as company_services
from rapport.companies.models import Company
from rapport.contacts import services as contact_services
from rapport.contacts.models import Contact
from rapport.core.audit import record_change
from rapport.core.errors import Conflict, FieldError, Invalid
from rapport.core.events import emit
from rapport.core.lifecycle import check_version, lock_record
from rapport.core.permissions import Principal, require
from rapport.deals import services as deal_services
from rapport.deals.models import Deal
from rapport.leads.models import LeadConversion
from rapport.leads.queries import business_domains, company_choice, get_conversion

CONVERTED = "contact.converted"
UNDONE = "contact.conversion_undone"
RESTORED_FIELDS = ("company_id", "lifecycle_stage", "lead_status", "unqualified_reason")


class Converted(BaseModel):
    """contact.converted / contact.conversion_undone: what the conversion linked or created."""

    conversion_id: int = Field(description="The LeadConversion's id (undo it by this id).")
    company_id: int | None = Field(description="The company the lead was linked to.")
    created_company: bool = Field(description="Whether the conversion created that company.")
    deal_id: int | None = Field(description="The deal the conversion created.")


def _company_id(
    principal: Principal, contact: Contact, data: dict[str, Any]
) -> tuple[int | None, bool]:
    """The company the lead goes to, and whether it must be created (from data["new_company"])."""
    if data.get("new_company") is not None:
        return None, True
    if "company_id" in data:  # an explicit choice, null meaning "no company"
        return data["company_id"], False
    choice = company_choice(principal, contact)
    if choice.current is not None:
        return choice.current.pk, False
    if len(choice.matches) == 1:
        return choice.matches[0].pk, False
    if len(choice.matches) > 1:
        names = ", ".join(c.name for c in choice.matches)
        raise Invalid.on(
            "company_id",
            f"Several companies match {', '.join(choice.domains)}: choose one of {names}.",
        )
    return None, False


def _deal_data(contact: Contact, company_id: int | None, raw: dict[str, Any]) -> dict[str, Any]:
    allowed = {"name", "amount", "currency", "pipeline_id", "stage_id", "expected_close_on",
               "owner_id", "source", "role"}  # fmt: skip
    if unknown := sorted(set(raw) - allowed):
        raise Invalid.on(("deal", unknown[0]), "This field cannot be set here.")
    data = {k: v for k, v in raw.items() if k != "role"}
    data.setdefault("name", f"{contact} deal")
    data.setdefault("owner_id", contact.owner_id)
    data.setdefault("source", contact.lead_source)
    data["company_id"] = company_id
    data["contacts"] = [{"contact_id": contact.pk, "role": raw.get("role", "decision_maker"),
                         "is_primary": True}]  # fmt: skip
    return data


def _create_company(principal: Principal, contact: Contact, raw: Any) -> int:
    """A new company for the lead; its domains default to the lead's business domains."""
    if not isinstance(raw, dict):
        raise Invalid.on("new_company", "Give the new company as an object with a name.")
    fields = {"domains": business_domains(contact), "owner_id": contact.owner_id, **raw}
    try:
        return company_services.create_company(principal, fields).pk
    except Invalid as exc:
        raise _prefixed(exc, "new_company") from exc


def _prefixed(error: Invalid, prefix: str) -> Invalid:
    """A nested service's field errors, located under `prefix` of the conversion's input."""
    return Invalid(
        error.detail, [FieldError((prefix, *e.loc), e.msg, e.type) for e in error.errors]
    )


@transaction.atomic
def convert_lead(
    principal: Principal, contact_id: int, data: dict[str, Any], expected_version: int | None = None
) -> LeadConversion:
    """Convert the lead: keys `company_id` (an existing company, or null for none),
    `new_company` ({"name", "domains"}), `deal` (the deal's fields, or null for no deal),
    `lifecycle_stage` (default: opportunity with a deal, sales_qualified without)."""
    contact = lock_record(Contact, principal, contact_id, deleted=False)
    require(principal, "edit", "contact", contact)
    check_version(contact, expected_version)
    if unknown := sorted(set(data) - {"company_id", "new_company", "deal", "lifecycle_stage"}):
        raise Invalid.on(unknown[0], "This field cannot be set here.")
    before = {name: getattr(contact, name) for name in RESTORED_FIELDS}
    company_id, create_company = _company_id(principal, contact, data)
    if create_company:
        company_id = _create_company(principal, contact, data["new_company"])
    deal_raw = data.get("deal")
    stage = data.get("lifecycle_stage") or (
        "opportunity" if deal_raw is not None else "sales_qualified"
    )
    changes = {"company_id": company_id, "lifecycle_stage": stage, "lead_status": "qualified"}
    contact_services.update_contact(principal, contact.pk, changes)
    deal = None
    if deal_raw is not None:
        try:
            deal = deal_services.create_deal(principal, _deal_data(contact, company_id, deal_raw))
        except Invalid as exc:
            raise _prefixed(exc, "deal") from exc
    conversion = LeadConversion.objects.create(
        workspace_id=principal.workspace_id,
        contact=contact,
        company_id=company_id,
        created_company=create_company,
        deal=deal,
        before=before,
        converted_by_id=principal.user_id,
    )
    _log(principal, "convert", CONVERTED, conversion)
    return conversion


def _log(principal: Principal, action: str, event: str, conversion: LeadConversion) -> None:
    payload = {
        "conversion_id": conversion.pk,
        "company_id": conversion.company_id,
        "created_company": conversion.created_company,
        "deal_id": conversion.deal_id,
    }
    contact = conversion.contact
    record_change(principal, action, "contact", contact, {k: [None, v] for k, v in payload.items()})
    emit(principal, event, "contact", contact.pk, payload)


def _company_in_use(company: Company, contact_id: int) -> bool:
    others = company.contacts.filter(deleted_at__isnull=True).exclude(pk=contact_id).exists()
    return others or company.deals.filter(deleted_at__isnull=True).exists()


@transaction.atomic
def undo_conversion(principal: Principal, conversion_id: int) -> LeadConversion:
    """Send the conversion's deal (and the company it created, when nothing else uses it) to
    the restore bin and put the contact's fields back; each write keeps its own rights."""
    conversion = get_conversion(principal, conversion_id)
    conversion = LeadConversion.objects.select_for_update().get(pk=conversion.pk)
    if conversion.undone_at is not None:
        raise Conflict("This conversion was already undone.")
    contact = lock_record(Contact, principal, conversion.contact_id, deleted=False)
    require(principal, "edit", "contact", contact)
    if (
        conversion.deal_id
        and Deal.objects.filter(pk=conversion.deal_id, deleted_at__isnull=True).exists()
    ):
        deal_services.delete_deal(principal, conversion.deal_id)
    restore = dict(conversion.before)
    contact_services.update_contact(principal, contact.pk, restore)
    company = None
    if conversion.company_id is not None:
        live = Company.objects.filter(deleted_at__isnull=True)
        company = live.filter(pk=conversion.company_id).first()
    if (
        conversion.created_company
        and company is not None
        and not _company_in_use(company, contact.pk)
    ):
        company_services.delete_company(principal, company.pk)
    conversion.undone_at = timezone.now()
    conversion.undone_by_id = principal.user_id
    conversion.save(update_fields=["undone_at", "undone_by"])
    conversion.contact = contact
    _log(principal, "undo_convert", UNDONE, conversion)
    return conversion
