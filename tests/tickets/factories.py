"""Tickets for tests: a requester with an email (and a company), and a ticket of theirs."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.permissions import Principal
from rapport.tickets.models import Ticket
from rapport.tickets.services import create_ticket
from rapport.workspaces.models import Workspace
from tests.conftest import owner_principal


def make_requester(principal: Principal, email: str = "ada@example.com", **fields: Any) -> Contact:
    """A contact of Initech (made by the workspace's owner, whatever `principal` may do)."""
    maker = owner_principal(Workspace.objects.get(pk=principal.workspace_id))
    company = create_company(maker, {"name": "Initech"})
    data = {"first_name": "Ada", "last_name": "Byron", "company_id": company.pk}
    if email:
        data["emails"] = [{"email": email}]
    return create_contact(maker, data | fields)


def make_ticket(
    principal: Principal, requester: Contact | None = None, body: str = "It broke.", **fields: Any
) -> Ticket:
    requester = requester or make_requester(principal)
    data = {"subject": "Printer on fire", "requester_id": requester.pk, **fields}
    return create_ticket(principal, data, body)


def upload(name: str = "log.txt", content: bytes = b"hello", kind: str = "text/plain") -> Any:
    return SimpleUploadedFile(name, content, content_type=kind)
