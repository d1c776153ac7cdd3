"""The "Tickets" panel of a contact's or company's page: their open tickets and a link to all."""

from __future__ import annotations

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from rapport.companies.queries import get_company
from rapport.contacts.queries import get_contact
from rapport.core.errors import NotFound
from rapport.core.pages import page_principal
from rapport.core.permissions import can
from rapport.tickets import queries
from rapport.tickets.pages.display import OBJECT_TYPE
from rapport.workspaces.auth import member_required

RELATED_TICKETS = 10


@require_GET
@member_required
def related_tickets(request: HttpRequest) -> HttpResponse:
    """Empty for a role that may not view tickets, so the page simply has no such panel."""
    principal = page_principal(request)
    if not can(principal, "view", OBJECT_TYPE):
        return HttpResponse("")
    company, contact = request.GET.get("company", ""), request.GET.get("contact", "")
    new_url = ""
    if company.isdigit():
        get_company(principal, int(company))  # NotFound unless visible
        tickets = queries.open_tickets_of_company(principal, int(company), RELATED_TICKETS + 1)
        list_filter = f"company_id:eq:{company}"
    elif contact.isdigit():
        get_contact(principal, int(contact))
        tickets = queries.open_tickets_of_contact(principal, int(contact), RELATED_TICKETS + 1)
        list_filter = f"requester_id:eq:{contact}"
        new_url = f"/tickets/new?contact={contact}"
    else:
        raise NotFound("Choose one company or contact.")
    context = {
        "tickets": tickets[:RELATED_TICKETS],
        "has_more": len(tickets) > RELATED_TICKETS,
        "all_url": "/tickets?" + urlencode({"queue": "all", "filter": list_filter}),
        "new_url": new_url if can(principal, "create", OBJECT_TYPE) else "",
    }
    return render(request, "tickets/related.html", context)
