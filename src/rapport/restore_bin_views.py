"""Settings > Restore bin: deleted records the visitor may restore, restoring, erasing for good.

Beside restore_bin_api.py (and above the apps) because it restores records of several apps; it
lists through `core.restore_bin.list_bin`, like the API, and restores and erases through each
app's own service, which checks the rights (erasing is for admins only).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.activities.models import Activity
from rapport.activities.services import restore_activity
from rapport.companies.models import Company
from rapport.companies.services import hard_delete_company, restore_company
from rapport.contacts.models import Contact
from rapport.contacts.services import hard_delete_contact, restore_contact
from rapport.core.errors import Forbidden, Invalid, NotFound
from rapport.core.pages import page_principal
from rapport.core.pagination import Page
from rapport.core.permissions import Principal, can
from rapport.core.restore_bin import deleted_by, list_bin, restore_deadline
from rapport.core.tenancy import Record
from rapport.deals.models import Deal
from rapport.deals.services import hard_delete_deal, restore_deal
from rapport.knowledge.models import Article
from rapport.knowledge.services import hard_delete_article, restore_article
from rapport.products.models import Product
from rapport.products.services import hard_delete_product, restore_product
from rapport.tickets.models import Ticket
from rapport.tickets.services import hard_delete_ticket, restore_ticket
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings
from rapport.workspaces.queries import find_workspace

URL = "/settings/restore-bin"
PAGE_SIZE = 50


@dataclass(frozen=True)
class BinType:
    label: str
    model: type[Record]
    restore: Callable[[Principal, int], Any]
    erase: Callable[[Principal, int], None] | None  # None: no permanent delete for this type


BIN_TYPES: dict[str, BinType] = {
    "contact": BinType("Contacts", Contact, restore_contact, hard_delete_contact),
    "company": BinType("Companies", Company, restore_company, hard_delete_company),
    "activity": BinType("Activities", Activity, restore_activity, None),
    "deal": BinType("Deals", Deal, restore_deal, hard_delete_deal),
    "product": BinType("Products", Product, restore_product, hard_delete_product),
    "ticket": BinType("Tickets", Ticket, restore_ticket, hard_delete_ticket),
    "article": BinType("Articles", Article, restore_article, hard_delete_article),
}


def _bin_type(object_type: str) -> BinType:
    found = BIN_TYPES.get(object_type)
    if found is None:
        raise NotFound("No such object type in the restore bin.")
    return found


def _rows(principal: Principal, page: Page[Record]) -> list[dict[str, Any]]:
    now = timezone.now()
    ids = [record.pk for record in page.items]
    object_type = page.items[0].OBJECT_TYPE if page.items else ""
    by = deleted_by(principal, object_type, ids) if ids else {}
    rows = []
    for record in page.items:
        assert record.deleted_at is not None  # only rows of the bin are listed
        until = restore_deadline(record.deleted_at)
        days_left = max(math.ceil((until - now) / dt.timedelta(days=1)), 0)
        rows.append(
            {"record": record, "by": by.get(record.pk, ""), "until": until, "days_left": days_left}
        )
    return rows


@require_GET
@member_required
def bin_page(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    types = [t for t in BIN_TYPES if can(principal, "delete", t)]
    wanted = request.GET.get("type", "")
    object_type = wanted if wanted in types else (types[0] if types else "")
    if not object_type:
        raise Forbidden("Your role may not delete records, so it has nothing to restore.")
    bin_type = _bin_type(object_type)
    cursor = request.GET.get("cursor") or None
    problem = ""
    try:
        page = list_bin(principal, bin_type.model, PAGE_SIZE, cursor)
    except Invalid as exc:  # an edited cursor
        page, problem = Page([], None, 0, False), exc.detail
    context = {
        "tabs": [(t, BIN_TYPES[t].label) for t in types],
        "object_type": object_type,
        "rows": _rows(principal, page),
        "page": page,
        "problem": problem,
        "is_first_page": cursor is None,
        "can_erase": principal.is_admin and bin_type.erase is not None,
        "time_zone": find_workspace(principal).time_zone,
        "bin_days": settings.RESTORE_BIN_DAYS,
    }
    return render_settings(request, "settings/restore_bin.html", context)


@require_POST
@member_required
def restore(request: HttpRequest, object_type: str, record_id: int) -> HttpResponse:
    record = _bin_type(object_type).restore(page_principal(request), record_id)
    messages.success(request, f"{record} is back.")
    return redirect(f"{URL}?type={object_type}")


@require_POST
@member_required
def erase(request: HttpRequest, object_type: str, record_id: int) -> HttpResponse:
    eraser = _bin_type(object_type).erase
    if eraser is None:
        raise NotFound("This kind of record cannot be deleted permanently.")
    eraser(page_principal(request), record_id)
    messages.success(request, "Deleted permanently. The audit log keeps its last snapshot.")
    return redirect(f"{URL}?type={object_type}")
