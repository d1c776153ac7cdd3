"""/api/v1/audit: the audit log, for auditors, and each record's own history for its viewers.

It lives beside rapport/api.py, above the apps: a record's history needs the record (to check
that the caller may view it), and core, which owns the log, may import no domain app.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from rapport.activities.models import Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.api_support import ListResponse, RecordId, json_response, page_body
from rapport.core.audit import jsonable
from rapport.core.errors import NotFound
from rapport.core.history import list_audit_entries, list_record_history
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal, can, visible
from rapport.core.tenancy import Record
from rapport.deals.models import Deal
from rapport.knowledge.models import Article
from rapport.products.models import Product
from rapport.tickets.models import Ticket

PREFIX = "/audit"
router = Router(tags=["audit"])
RECORD_MODELS: dict[str, type[Model]] = {
    "contact": Contact,
    "company": Company,
    "deal": Deal,
    "activity": Activity,
    "product": Product,
    "ticket": Ticket,
    "article": Article,
}


class AuditParams(Schema):
    object_type: str | None = None
    object_id: RecordId | None = None
    actor_user_id: RecordId | None = None
    action: str | None = None
    since: dt.datetime | None = Field(None, description="inclusive")
    until: dt.datetime | None = Field(None, description="exclusive")
    cursor: str | None = None
    limit: int = Field(50, ge=1, le=200)


def entry_body(entry: AuditEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "created_at": jsonable(entry.created_at),
        "actor_user_id": entry.actor_user_id,
        "actor_token_id": entry.actor_token_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "changes": entry.changes,
        "request_id": entry.request_id,
    }


def _record(principal: Principal, object_type: str, object_id: RecordId) -> Record:
    model = RECORD_MODELS.get(object_type)
    found = None
    if model is not None:
        records = visible(principal, model._default_manager.all(), object_type)
        found = records.filter(pk=object_id).first()
    if not isinstance(found, Record):
        raise NotFound(f"{object_type} {object_id} not found.")
    return found


@router.get("", response=ListResponse)
def list_audit(request: HttpRequest, params: Query[AuditParams]) -> HttpResponse:
    """The workspace's log needs the audit right; one record's history needs only to view it."""
    principal = cast(Principal, request.auth)  # type: ignore[attr-defined]
    p = params
    if p.object_type and p.object_id is not None and not can(principal, "view", "audit"):
        page = list_record_history(
            principal,
            _record(principal, p.object_type, p.object_id),
            actor_user_id=p.actor_user_id,
            action=p.action,
            since=p.since,
            until=p.until,
            cursor=p.cursor,
            limit=p.limit,
        )
    else:
        page = list_audit_entries(
            principal,
            object_type=p.object_type,
            object_id=p.object_id,
            actor_user_id=p.actor_user_id,
            action=p.action,
            since=p.since,
            until=p.until,
            cursor=p.cursor,
            limit=p.limit,
        )
    return json_response(page_body(page, entry_body, None))
