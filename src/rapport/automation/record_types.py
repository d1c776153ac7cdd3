"""The record types workflows act on, and how: their fields, queries and write services.

Workflows never write rows themselves: every change goes through the record's own service, so
validation, permissions, audit, search indexing and events happen exactly as for a person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from rapport.activities import services as activity_services
from rapport.activities.models import Activity
from rapport.activities.queries import FILTER_FIELDS as ACTIVITY_FILTERS
from rapport.companies import services as company_services
from rapport.companies.models import Company
from rapport.companies.queries import FILTERS as COMPANY_FILTERS
from rapport.contacts import services as contact_services
from rapport.contacts.models import Contact
from rapport.contacts.queries import FILTERS as CONTACT_FILTERS
from rapport.core.filters import FilterField
from rapport.core.permissions import Principal, visible
from rapport.customfields.models import CustomField
from rapport.customfields.queries import PREFIX, active_fields, filter_fields_of, with_custom_values
from rapport.deals import services as deal_services
from rapport.deals.models import Deal
from rapport.deals.queries import FILTERS as DEAL_FILTERS
from rapport.tickets import services as ticket_services
from rapport.tickets.models import OPEN_STATUSES, Ticket
from rapport.tickets.queries import FILTERS as TICKET_FILTERS


def _related(prefix: str, path: str, filters: dict[str, FilterField]) -> dict[str, FilterField]:
    """A related record's filters, renamed `company.industry` -> company__industry."""
    return {
        f"{prefix}.{name}": FilterField(f"{path}__{field.path}", field.kind, field.many)
        for name, field in filters.items()
        if not name.startswith("custom.")
    }


_OWNER = {
    "owner.email": FilterField("owner__email"),
    "owner.full_name": FilterField("owner__full_name"),
}


_ASSIGNEE = {
    "assignee.email": FilterField("assignee__email"),
    "assignee.full_name": FilterField("assignee__full_name"),
}


_STAGE = {
    "name": FilterField("name"),
    "kind": FilterField("kind", "choice"),
    "probability": FilterField("probability", "integer"),
}


@dataclass(frozen=True)
class RecordType:
    object_type: str
    label: str
    model: type[models.Model]
    filters: dict[str, FilterField]
    writable: tuple[str, ...]  # fields update_field may set, beside custom.<key>
    dates: tuple[str, ...]  # standard date fields a date trigger or a wait may use
    update: Callable[[Principal, int, dict[str, Any]], Any]
    has_custom: bool = True
    # Which records count as open for "the member with the fewest open records".
    open_q: models.Q = field(default_factory=models.Q)
    # Whether assign_owner writes its explanation to the record's `last_assignment`.
    has_assignment_note: bool = False
    # The user a record belongs to: whom assign_owner sets, "owner" steps mean, and whose
    # open records "fewest open" counts (a ticket's is its assignee).
    owner_field: str = "owner_id"

    def owner_of(self, record: Any) -> int | None:
        return getattr(record, self.owner_field, None)

    def queryset(self, principal: Principal) -> models.QuerySet[Any]:
        return visible(principal, self.model._default_manager.all(), self.object_type)

    def custom_fields(self, workspace_id: int) -> list[CustomField]:
        return active_fields(workspace_id, self.object_type) if self.has_custom else []

    def condition_fields(self, workspace_id: int) -> dict[str, FilterField]:
        return {**self.filters, **filter_fields_of(self.custom_fields(workspace_id))}

    def with_custom(self, queryset: models.QuerySet[Any], workspace_id: int) -> Any:
        if not self.has_custom:
            return queryset
        return with_custom_values(queryset, self.custom_fields(workspace_id), [])[0]

    def custom_keys(self, workspace_id: int) -> dict[str, CustomField]:
        return {PREFIX + f.key: f for f in self.custom_fields(workspace_id)}


def _update_activity(principal: Principal, activity_id: int, data: dict[str, Any]) -> Any:
    return activity_services.update_activity(principal, activity_id, data)


RECORD_TYPES: dict[str, RecordType] = {
    "contact": RecordType(
        "contact",
        "Contact",
        Contact,
        {**CONTACT_FILTERS, **_related("company", "company", COMPANY_FILTERS), **_OWNER},
        (
            "first_name",
            "last_name",
            "job_title",
            "lead_source",
            "city",
            "region",
            "country",
            "lifecycle_stage",
            "consent_status",
            "owner_id",
            "company_id",
            "birthday",
        ),
        ("birthday", "created_at", "updated_at"),
        contact_services.update_contact,
        has_assignment_note=True,
    ),
    "company": RecordType(
        "company",
        "Company",
        Company,
        {**COMPANY_FILTERS, **_OWNER},
        (
            "name",
            "industry",
            "website",
            "phone",
            "city",
            "region",
            "country",
            "employee_count",
            "annual_revenue",
            "owner_id",
        ),
        ("created_at", "updated_at"),
        company_services.update_company,
    ),
    "deal": RecordType(
        "deal",
        "Deal",
        Deal,
        {
            **{n: f for n, f in DEAL_FILTERS.items() if n != "contact_id"},
            **_related("company", "company", COMPANY_FILTERS),
            **_related("stage", "stage", _STAGE),
            **_OWNER,
        },
        (
            "name",
            "amount",
            "currency",
            "stage_id",
            "expected_close_on",
            "owner_id",
            "company_id",
            "next_step",
            "next_step_on",
            "lost_reason",
            "forecast_category",
            "source",
        ),
        ("expected_close_on", "closed_on", "next_step_on", "created_at", "updated_at"),
        deal_services.update_deal,
        open_q=models.Q(stage__kind="open"),
        has_assignment_note=True,
    ),
    "activity": RecordType(
        "activity",
        "Activity",
        Activity,
        {
            **ACTIVITY_FILTERS,
            **_related("contact", "contact", CONTACT_FILTERS),
            **_related("company", "company", COMPANY_FILTERS),
        },
        ("subject", "body", "owner_id", "assignee_id", "priority", "is_done", "due_at"),
        ("due_at", "occurred_at", "created_at"),
        _update_activity,
        has_custom=False,
        open_q=models.Q(kind="task", is_done=False),
    ),
    "ticket": RecordType(
        "ticket",
        "Ticket",
        Ticket,
        {
            **TICKET_FILTERS,
            **_related("requester", "requester", CONTACT_FILTERS),
            **_related("company", "company", COMPANY_FILTERS),
            **_ASSIGNEE,
        },
        ("subject", "status", "priority", "type", "team_id", "assignee_id", "company_id"),
        ("created_at", "updated_at", "status_changed_at", "solved_at", "last_customer_message_at"),
        ticket_services.update_ticket,
        open_q=models.Q(status__in=OPEN_STATUSES),
        has_assignment_note=True,
        owner_field="assignee_id",
    ),
}


def record_type(object_type: str) -> RecordType:
    return RECORD_TYPES[object_type]
