"""The conversation of a ticket's page: the composer (reply or internal note, the status to set,
attachments, a canned response inserted, a macro applied), attachments, merge and split."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import Conflict, Invalid, NotFound
from rapport.core.pages import page_principal
from rapport.macros import services as macros
from rapport.tickets import queries, services
from rapport.tickets.downloads import attachment_response
from rapport.tickets.pages.display import label, ticket_by_number
from rapport.tickets.pages.record import render_ticket
from rapport.workspaces.auth import member_required

DONE = {"reply": "Reply sent", "note": "Internal note added"}


def _composer_errors(exc: Invalid) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors or []:
        key = str(item.loc[0]) if item.loc else "body"
        errors.setdefault(key if key in ("body", "attachments", "status") else "body", []).append(
            item.msg
        )
    return errors or {"body": [exc.detail]}


@require_POST
@member_required
def post_message(request: HttpRequest, number: int) -> HttpResponse:
    """Send a reply (and set the status chosen) or add an internal note, with attachments."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    kind = "note" if request.POST.get("kind") == "note" else "reply"
    body = request.POST.get("body", "")
    status = request.POST.get("status", "") or None
    files = request.FILES.getlist("attachments")
    try:
        if kind == "note":
            services.add_note(principal, ticket.pk, body, attachments=files)
        else:
            services.add_reply(principal, ticket.pk, body, status=status, attachments=files)
    except (Invalid, Conflict) as exc:
        errors = _composer_errors(exc) if isinstance(exc, Invalid) else {"body": [exc.detail]}
        composer = {"kind": kind, "body": body}
        if files:
            errors.setdefault("attachments", []).append("Choose the files again to send them.")
        return render_ticket(
            request, principal, ticket, 422, composer=composer, composer_errors=errors
        )
    after = ticket_by_number(principal, number)
    status_note = f"; the ticket is now {label(after.status).lower()}" if kind == "reply" else ""
    messages.success(request, f"{DONE[kind]}{status_note}.")
    return redirect(f"/tickets/{number}#conversation-end")


@require_GET
@member_required
def attachment_download(request: HttpRequest, number: int, attachment_id: int) -> HttpResponse:
    """The file, only to those who may see the ticket; always a download, never run in the page."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    response = attachment_response(queries.get_attachment(principal, ticket.pk, attachment_id))
    # Streamed, not buffered: member_required passes any response through (it is typed for
    # HttpResponse, which FileResponse is not a subclass of).
    return response  # type: ignore[return-value]


@require_POST
@member_required
def ticket_merge(request: HttpRequest, number: int) -> HttpResponse:
    """Merge this ticket into another (by its number): the conversation moves there."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    raw = request.POST.get("into", "").strip().lstrip("#")
    try:
        if not raw.isdigit() or int(raw) == number:
            raise Invalid.on("into", "Type the number of another ticket.")
        survivor = ticket_by_number(principal, int(raw))
        services.merge_tickets(principal, survivor.pk, ticket.pk)
    except NotFound:
        messages.error(request, f"Not merged: there is no ticket #{raw} you may see.")
    except (Invalid, Conflict) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Not merged. {detail}")
    else:
        messages.success(request, f"Ticket #{number} was merged into this one.")
        return redirect(f"/tickets/{survivor.number}")
    return redirect(f"/tickets/{number}")


@require_POST
@member_required
def message_split(request: HttpRequest, number: int, message_id: int) -> HttpResponse:
    """Make a new ticket of one customer message (with its attachments)."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    if not ticket.messages.filter(pk=message_id).exists():
        raise NotFound("message not found")
    try:
        new = services.split_message(principal, message_id, request.POST.get("subject", ""))
    except (Invalid, Conflict) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"Not split. {detail}")
        return redirect(f"/tickets/{number}")
    messages.success(request, f"The message is now ticket #{new.number}.")
    return redirect(f"/tickets/{new.number}")


@require_GET
@member_required
def canned_insert(request: HttpRequest, number: int) -> HttpResponse:
    """A canned response with this ticket's merge fields filled, for the composer.

    htmx swaps the answer in and richtext.js puts it at the caret; without script the page
    comes back with the response added to what was typed.
    """
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    raw = request.GET.get("canned", "")
    try:
        html = macros.render_canned_response(principal, int(raw) if raw.isdigit() else 0, ticket.pk)
    except Invalid as exc:
        html = ""
        problem = " ".join(e.msg for e in exc.errors) or exc.detail
        messages.error(request, f"That response cannot be filled in: {problem}")
    if request.headers.get("HX-Request"):
        return render(request, "tickets/_insert.html", {"html": html, "target": "rt-body"})
    typed = request.GET.get("body", "")
    body = f"{typed}\n{html}" if typed.strip() else html
    composer = {"kind": request.GET.get("kind", "reply"), "body": body}
    return render_ticket(request, principal, ticket, composer=composer)


@require_POST
@member_required
def macro_apply(request: HttpRequest, number: int) -> HttpResponse:
    """Apply one macro: every change and its message in one transaction, or nothing."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    raw = request.POST.get("macro", "")
    try:
        macro_id = int(raw) if raw.isdigit() else 0
        after = macros.apply_macro(principal, macro_id, ticket.pk)
    except NotFound:
        messages.error(request, "Choose a macro first.")
    except (Invalid, Conflict) as exc:
        detail = "; ".join(e.msg for e in getattr(exc, "errors", [])) or exc.detail
        messages.error(request, f"The macro was not applied; nothing changed. {detail}")
    else:
        messages.success(request, f"Macro applied; the ticket is {label(after.status).lower()}.")
    return redirect(f"/tickets/{number}")
