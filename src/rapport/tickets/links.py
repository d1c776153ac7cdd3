"""Links to a ticket from places that know only its id (search results, the audit log,
notifications, workflow runs): `/tickets/id/<id>` sends the visitor to the ticket's page,
which is addressed by its number."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET

from rapport.core.pages import page_principal
from rapport.tickets.queries import get_ticket
from rapport.workspaces.auth import member_required

BY_ID = "/tickets/id/{}"


@require_GET
@member_required
def open_ticket_by_id(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Redirect to /tickets/<number> (the error page when the ticket is not visible)."""
    ticket = get_ticket(page_principal(request), ticket_id)
    return HttpResponseRedirect(f"/tickets/{ticket.number}")
