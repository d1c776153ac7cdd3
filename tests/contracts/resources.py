"""The registry of API resources that behave alike; the contract suite runs each one.

To add a resource, append one `Resource` to RESOURCES: where it lives, its permission object
type, a factory for a valid create body, a patch and the audit changes that patch must record.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models

from rapport.activities.models import Activity
from rapport.automation.models import Workflow
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.currencies.models import ExchangeRate
from rapport.customfields.models import CustomField
from rapport.deals.models import Deal, Pipeline
from rapport.emailtemplates.models import EmailTemplate
from rapport.products.models import PriceBook, Product
from rapport.savedviews.models import SavedView
from rapport.tags.models import Tag
from rapport.territories.models import Territory
from rapport.tickets.models import Ticket

_seq = itertools.count(1)


@dataclass(frozen=True)
class Resource:
    name: str
    path: str  # the collection, e.g. "/api/v1/contacts"
    object_type: str  # the permission and audit object type
    model: type[models.Model]
    make_body: Callable[[], dict[str, Any]]  # a valid create body, different on each call
    patch_body: dict[str, Any]
    # The audit entry's changes for patch_body applied to a record made from make_body().
    patch_changes: Callable[[dict[str, Any]], dict[str, list[Any]]]
    # A filter term that matches the created item (given its API body) and not others.
    filter_for: Callable[[dict[str, Any]], str]
    soft_delete: bool = True  # Record models go to the restore bin; others are deleted
    # A search query that finds the created item (given its API body), for searchable resources.
    search_for: Callable[[dict[str, Any]], str] | None = None

    def __str__(self) -> str:
        return self.name


def _contact() -> dict[str, Any]:
    n = next(_seq)
    return {"first_name": f"Ada{n}", "last_name": "Lovelace", "emails": [{"email": f"ada{n}@x.io"}]}


def _company() -> dict[str, Any]:
    n = next(_seq)
    return {"name": f"Acme {n}", "domains": [f"acme{n}.com"]}


def _tag() -> dict[str, Any]:
    return {"name": f"Tag {next(_seq)}"}


def _activity() -> dict[str, Any]:
    # An activity needs a live record: a contact of the `workspace` fixture ("Acme N").
    from rapport.workspaces.models import Workspace

    workspace = Workspace.objects.filter(name__startswith="Acme ").latest("pk")
    contact = Contact.objects.filter(workspace=workspace).first()
    contact = contact or Contact.objects.create(workspace=workspace, first_name="Linked")
    return {"kind": "note", "contact_id": contact.pk, "subject": f"Note {next(_seq)}", "body": "x"}


def _custom_field() -> dict[str, Any]:
    n = next(_seq)
    return {"object_type": "contact", "key": f"f{n}", "label": f"Field {n}", "field_type": "text"}


def _saved_view() -> dict[str, Any]:
    # Shared, so that a role without the saved_view grant is refused (a private view needs none).
    return {
        "object_type": "contact",
        "name": f"View {next(_seq)}",
        "is_shared": True,
        "columns": ["first_name", "last_name"],
        "filters": ["lifecycle_stage:eq:customer"],
        "sort": "last_name",
    }


def _email_template() -> dict[str, Any]:
    return {
        "name": f"Template {next(_seq)}",
        "subject": "Hello {{ contact.first_name }}",
        "body": 'Dear {{ contact.first_name or "customer" }},\n\nThanks.',
    }


def _exchange_rate() -> dict[str, Any]:
    # One currency, a new date each time: (currency, date) is unique per workspace.
    day = dt.date(2020, 1, 1) + dt.timedelta(days=next(_seq))
    return {"currency": "EUR", "rate_on": day.isoformat(), "rate": "1.1"}


def _workflow() -> dict[str, Any]:
    return {
        "name": f"Flow {next(_seq)}",
        "definition": {
            "trigger": {"type": "record_created", "object_type": "contact"},
            "steps": [{"id": "s1", "type": "add_tag", "tag": "new"}],
        },
    }


def _deal() -> dict[str, Any]:
    return {"name": f"Deal {next(_seq)}", "amount": "1200.00", "expected_close_on": "2027-03-31"}


def _pipeline() -> dict[str, Any]:
    return {"name": f"Pipeline {next(_seq)}"}


def _product() -> dict[str, Any]:
    n = next(_seq)
    return {
        "sku": f"LIC-{n}",
        "name": f"Licence {n}",
        "tax_rate": "20.00",
        "prices": [{"currency": "EUR", "unit_price": "120.00"}],
    }


def _price_book() -> dict[str, Any]:
    return {"name": f"Partner prices {next(_seq)}"}


def _territory() -> dict[str, Any]:
    # A territory is worked by a team of the `workspace` fixture ("Acme N").
    from rapport.workspaces.models import Team, Workspace

    workspace = Workspace.objects.filter(name__startswith="Acme ").latest("pk")
    team, _ = Team.objects.get_or_create(workspace=workspace, name="Field sales")
    return {"name": f"Territory {next(_seq)}", "team_id": team.pk, "countries": ["DE", "AT"]}


def _ticket() -> dict[str, Any]:
    # A ticket needs a requester: a contact of the `workspace` fixture ("Acme N").
    from rapport.workspaces.models import Workspace

    workspace = Workspace.objects.filter(name__startswith="Acme ").latest("pk")
    contact = Contact.objects.filter(workspace=workspace).first()
    contact = contact or Contact.objects.create(workspace=workspace, first_name="Requester")
    n = next(_seq)
    return {"subject": f"Printer {n} on fire", "requester_id": contact.pk, "body": "Help"}


RESOURCES: list[Resource] = [
    Resource(
        "contacts",
        "/api/v1/contacts",
        "contact",
        Contact,
        _contact,
        {"job_title": "Analyst"},
        lambda body: {"job_title": ["", "Analyst"]},
        lambda item: f"primary_email:eq:{item['primary_email']}",
        search_for=lambda item: item["primary_email"],
    ),
    Resource(
        "companies",
        "/api/v1/companies",
        "company",
        Company,
        _company,
        {"industry": "Software"},
        lambda body: {"industry": ["", "Software"]},
        lambda item: f"name:eq:{item['name']}",
        search_for=lambda item: item["domains"][0],
    ),
    Resource(
        "tags",
        "/api/v1/tags",
        "tag",
        Tag,
        _tag,
        {"color": "#ff0000"},
        lambda body: {"color": ["#64748b", "#ff0000"]},
        lambda item: f"name:eq:{item['name']}",
        soft_delete=False,
    ),
    Resource(
        "custom-fields",
        "/api/v1/custom-fields",
        "custom_field",
        CustomField,
        _custom_field,
        {"label": "Renamed"},
        lambda body: {"label": [body["label"], "Renamed"]},
        lambda item: f"key:eq:{item['key']}",
    ),
    Resource(
        "activities",
        "/api/v1/activities",
        "activity",
        Activity,
        _activity,
        {"subject": "Renamed"},
        lambda body: {"subject": [body["subject"], "Renamed"]},
        lambda item: f"subject:eq:{item['subject']}",
    ),
    Resource(
        "saved-views",
        "/api/v1/saved-views",
        "saved_view",
        SavedView,
        _saved_view,
        {"name": "Renamed"},
        lambda body: {"name": [body["name"], "Renamed"]},
        lambda item: f"name:eq:{item['name']}",
        soft_delete=False,
    ),
    Resource(
        "email-templates",
        "/api/v1/email-templates",
        "email_template",
        EmailTemplate,
        _email_template,
        {"subject": "Welcome, {{ contact.full_name }}"},
        lambda body: {"subject": [body["subject"], "Welcome, {{ contact.full_name }}"]},
        lambda item: f"name:eq:{item['name']}",
    ),
    Resource(
        "deals",
        "/api/v1/deals",
        "deal",
        Deal,
        _deal,
        {"next_step": "Send the proposal"},
        lambda body: {"next_step": ["", "Send the proposal"]},
        lambda item: f"name:eq:{item['name']}",
    ),
    Resource(
        "pipelines",
        "/api/v1/pipelines",
        "pipeline",
        Pipeline,
        _pipeline,
        {"name": "Renewals"},
        lambda body: {"name": [body["name"], "Renewals"]},
        lambda item: f"name:eq:{item['name']}",
    ),
    Resource(
        "workflows",
        "/api/v1/workflows",
        "workflow",
        Workflow,
        _workflow,
        {"name": "Renamed"},
        lambda body: {"name": [body["name"], "Renamed"]},
        lambda item: f"name:eq:{item['name']}",
    ),
    Resource(
        "products",
        "/api/v1/products",
        "product",
        Product,
        _product,
        {"category": "Licences"},
        lambda body: {"category": ["", "Licences"]},
        lambda item: f"sku:eq:{item['sku']}",
    ),
    Resource(
        "price-books",
        "/api/v1/price-books",
        "price_book",  # audited as price_book; the permission object type is "product"
        PriceBook,
        _price_book,
        {"description": "Resellers"},
        lambda body: {"description": ["", "Resellers"]},
        lambda item: f"name:eq:{item['name']}",
    ),
    Resource(
        "exchange-rates",
        "/api/v1/exchange-rates",
        "exchange_rate",
        ExchangeRate,
        _exchange_rate,
        {"rate": "1.25"},
        lambda body: {"rate": ["1.1", "1.25"]},
        lambda item: f"rate_on:eq:{item['rate_on']}",
        soft_delete=False,
    ),
    Resource(
        "territories",
        "/api/v1/territories",
        "territory",
        Territory,
        _territory,
        {"regions": ["Bavaria"]},
        lambda body: {"regions": [[], ["Bavaria"]]},
        lambda item: f"name:eq:{item['name']}",
        soft_delete=False,
    ),
    Resource(
        "tickets",
        "/api/v1/tickets",
        "ticket",
        Ticket,
        _ticket,
        {"priority": "high"},
        lambda body: {"priority": ["normal", "high"]},
        lambda item: f"number:eq:{item['number']}",
        search_for=lambda item: item["subject"],
    ),
]
