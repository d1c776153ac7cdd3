"""Reads about email templates, and `merge_context`: the data a template is rendered with.

The context is made of plain dicts of strings and numbers, never model instances, and holds
only what the principal may view: a contact they may not view leaves out `contact`, a principal
without the right to view users gets no `owner` or `user`. The keys are merge_fields.MERGE_FIELDS.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from rapport.companies.models import Company, CompanyDomain
from rapport.companies.queries import find_company
from rapport.contacts.models import Contact, ContactPhone
from rapport.contacts.queries import visible_contacts
from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, can, visible
from rapport.customfields.models import CustomField
from rapport.customfields.queries import active_fields
from rapport.emailtemplates.merge_fields import CUSTOM, MERGE_FIELDS, OBJECT_LABELS
from rapport.emailtemplates.models import EmailTemplate
from rapport.search.queries import search
from rapport.workspaces.models import Membership, User, Workspace

OBJECT_TYPE = "email_template"
LIST_FILTERS = {
    "name": FilterField("name"),
    "subject": FilterField("subject"),
    "created_at": FilterField("created_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
}
LIST_SORTS = {"name", "created_at", "updated_at", "id"}
PICKER_SIZE = 10  # contacts offered to preview with
Person = dict[str, str]  # {"first_name", "full_name", "email"}


def visible_email_templates(principal: Principal) -> QuerySet[EmailTemplate]:
    return visible(principal, EmailTemplate.objects.all(), OBJECT_TYPE)


def list_email_templates(principal: Principal, params: ListParams) -> Page[EmailTemplate]:
    qs = visible_email_templates(principal).filter(filters_q(LIST_FILTERS, params.filter))
    keys = parse_sort(params.sort, LIST_SORTS, "name")
    return keyset_page(qs, keys, params.limit, params.cursor)


def get_email_template(principal: Principal, template_id: int) -> EmailTemplate:
    template = visible_email_templates(principal).filter(pk=template_id).first()
    if template is None:
        raise NotFound("email template not found")
    return template


@dataclass(frozen=True)
class MergeFieldGroup:
    """The editor's help: one object's merge fields as `{{ ... }}` text and label."""

    label: str
    fields: list[tuple[str, str]]


def merge_field_help(principal: Principal) -> list[MergeFieldGroup]:
    """Every merge field, custom fields of contacts and companies included by key."""
    groups = []
    for name, fields in MERGE_FIELDS.items():
        rows = [(f"{{{{ {name}.{key} }}}}", label) for key, label in fields if key != CUSTOM]
        if any(key == CUSTOM for key, _ in fields):
            custom = active_fields(principal.workspace_id, name)
            rows += [(f"{{{{ {name}.{CUSTOM}.{f.key} }}}}", f.label) for f in custom]
        groups.append(MergeFieldGroup(OBJECT_LABELS[name], rows))
    return groups


@dataclass(frozen=True)
class ContactChoice:
    id: int
    title: str  # name
    subtitle: str  # email, company ...


def preview_contacts(principal: Principal, q: str = "") -> list[ContactChoice]:
    """Contacts to preview with: those matching `q`, else the most recently changed."""
    if q.strip():
        hits = search(principal, q, ["contact"], PICKER_SIZE)["contact"]
        return [ContactChoice(hit.object_id, hit.title, hit.subtitle) for hit in hits]
    recent = visible_contacts(principal).order_by("-updated_at", "-pk")[:PICKER_SIZE]
    return [ContactChoice(c.pk, str(c), c.primary_email) for c in recent]


# --- Merge context ------------------------------------------------------------------------------


def merge_context(
    principal: Principal,
    contact: Contact | None = None,
    company: Company | None = None,
    user: User | None = None,
) -> dict[str, Any]:
    """The data to render a template with for one record, as the principal may see it.

    `company` defaults to the contact's (when visible); `owner` is the contact's owner, else the
    company's; `user` is the member the email goes to. Records of another workspace, or that
    the role may not view, are left out, so their merge fields render empty (or the fallback).
    """
    contact, company = _viewable(principal, contact, company)
    fields = {
        "contact": active_fields(principal.workspace_id, "contact") if contact else [],
        "company": active_fields(principal.workspace_id, "company") if company else [],
    }
    owner_id = (contact.owner_id if contact else None) or (company.owner_id if company else None)
    wanted = {owner_id, user.pk if user else None}
    wanted |= _user_values(contact, fields["contact"]) | _user_values(company, fields["company"])
    people = _members(principal, wanted)
    context: dict[str, Any] = {"workspace": {"name": _workspace_name(principal)}}
    if contact is not None:
        owner_name = people[owner_id]["full_name"] if owner_id in people else ""
        context["contact"] = _contact_data(contact, owner_name, fields["contact"], people)
    if company is not None:
        context["company"] = _company_data(company, fields["company"], people)
    if can(principal, "view", "user"):
        if owner_id in people:
            context["owner"] = people[owner_id]
        if user is not None and user.pk in people:
            context["user"] = people[user.pk]
    return context


def _viewable(
    principal: Principal, contact: Contact | None, company: Company | None
) -> tuple[Contact | None, Company | None]:
    """The records the principal may view; the company defaults to the contact's."""
    if contact is not None and not can(principal, "view", "contact", contact):
        contact = None
    if company is None and contact is not None and contact.company_id:
        company = find_company(principal, contact.company_id)
    if company is not None and not can(principal, "view", "company", company):
        company = None
    return contact, company


def _workspace_name(principal: Principal) -> str:
    rows = Workspace.objects.filter(pk=principal.workspace_id).values_list("name", flat=True)
    return rows.first() or ""


def _user_values(record: Contact | Company | None, fields: list[CustomField]) -> set[int | None]:
    """The users named by the record's user-type custom values."""
    custom = (record.custom or {}) if record is not None else {}
    values = (custom.get(f.key) for f in fields if f.field_type == "user")
    return {v for v in values if isinstance(v, int)}


def _members(principal: Principal, user_ids: set[int | None]) -> dict[int, Person]:
    """The workspace's members among `user_ids`, as merge data; anyone else is left out."""
    ids = {i for i in user_ids if i is not None}
    if not ids:
        return {}
    rows = Membership.objects.filter(workspace_id=principal.workspace_id, user_id__in=ids)
    people: dict[int, Person] = {}
    for user_id, full_name, email in rows.values_list("user_id", "user__full_name", "user__email"):
        first_name = full_name.split()[0] if full_name.split() else ""
        people[user_id] = {"first_name": first_name, "full_name": full_name, "email": email}
    return people


def _contact_data(
    contact: Contact, owner_name: str, fields: list[CustomField], people: dict[int, Person]
) -> dict[str, Any]:
    phones = ContactPhone.objects.filter(contact_id=contact.pk).order_by("-is_primary", "pk")
    return {
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "full_name": f"{contact.first_name} {contact.last_name}".strip(),
        "email": contact.primary_email,
        "phone": phones.values_list("number", flat=True).first() or "",
        "job_title": contact.job_title,
        "city": contact.city,
        "country": contact.country,
        "lifecycle_stage": contact.lifecycle_stage.replace("_", " ").capitalize(),
        "owner_name": owner_name,
        CUSTOM: _custom_data(contact.custom, fields, people),
    }


def _company_data(
    company: Company, fields: list[CustomField], people: dict[int, Person]
) -> dict[str, Any]:
    domains = CompanyDomain.objects.filter(company_id=company.pk).order_by("pk")
    return {
        "name": company.name,
        "domain": domains.values_list("domain", flat=True).first() or "",
        "industry": company.industry,
        "city": company.city,
        CUSTOM: _custom_data(company.custom, fields, people),
    }


def _custom_data(
    stored: dict[str, Any] | None, fields: list[CustomField], people: dict[int, Person]
) -> dict[str, Any]:
    """Values of live custom fields, as text a reader understands (labels, not option keys)."""
    data: dict[str, Any] = {}
    for field in fields:
        value = (stored or {}).get(field.key)
        if value is not None and value != "" and value != []:
            data[field.key] = _custom_text(field, value, people)
    return data


def _custom_text(field: CustomField, value: Any, people: dict[int, Person]) -> Any:
    kind = field.field_type
    if kind == "boolean":
        return "Yes" if value else "No"
    if kind in ("single_select", "multi_select"):
        options = field.options if isinstance(field.options, list) else []
        labels = {o["value"]: o.get("label") or o["value"] for o in options}
        chosen = value if isinstance(value, list) else [value]
        return ", ".join(str(labels.get(v, v)) for v in chosen)
    if kind == "currency" and isinstance(value, dict):
        return f"{value.get('amount', '')} {value.get('currency', '')}".strip()
    if kind == "user":
        return people[value]["full_name"] if value in people else ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return value
    return str(value)
