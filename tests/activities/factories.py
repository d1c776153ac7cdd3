"""Factories for the records activities hang on, written with the ORM so tests own every value."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rapport.companies.models import Company, CompanyDomain
from rapport.contacts.models import Contact, ContactEmail, ContactPhone
from rapport.workspaces.models import Workspace

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def at(minutes: int) -> dt.datetime:
    """A fixed instant `minutes` after T0, so orders in tests never depend on the clock."""
    return T0 + dt.timedelta(minutes=minutes)


def make_company(workspace: Workspace, domains: tuple[str, ...] = (), **fields: Any) -> Company:
    company = Company.objects.create(
        workspace=workspace, **{"name": "Analytical Engines", **fields}
    )
    for domain in domains:
        CompanyDomain.objects.create(company=company, workspace=workspace, domain=domain)
    return company


def make_contact(
    workspace: Workspace,
    emails: tuple[str, ...] = (),
    phones: tuple[str, ...] = (),
    **fields: Any,
) -> Contact:
    values = {"first_name": "Ada", "last_name": "Lovelace", **fields}
    if emails:
        values.setdefault("primary_email", emails[0])
    contact = Contact.objects.create(workspace=workspace, **values)
    for i, email in enumerate(emails):
        ContactEmail.objects.create(
            contact=contact, workspace=workspace, email=email, is_primary=i == 0
        )
    for i, number in enumerate(phones):
        ContactPhone.objects.create(
            contact=contact, workspace=workspace, number=number, is_primary=i == 0
        )
    return contact
