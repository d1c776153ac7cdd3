"""The new-ticket form (/tickets/new): the requester found by name or email, the subject, the
first message (what the customer said, or an internal note) and the ticket's fields."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rapport.contacts.models import Contact
from rapport.contacts.queries import get_contact
from rapport.core.errors import Invalid, NotFound
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, require
from rapport.search.queries import search
from rapport.tickets import services
from rapport.tickets.pages.display import (
    CHANNEL_CHOICES,
    OBJECT_TYPE,
    PRIORITY_CHOICES,
    TYPE_CHOICES,
    people_context,
)
from rapport.workspaces.auth import member_required

OPTIONS = 10
_ID = re.compile(r"#(\d{1,18})\s*$")
FIELDS = ("requester", "subject", "body", "message_kind", "channel", "priority", "type")
NEW_CHANNELS = [c for c in CHANNEL_CHOICES if c[0] in ("phone", "email", "agent", "web_form")]


def requester_label(contact: Contact) -> str:
    """How the requester picker shows a contact; the trailing #id is what the form reads."""
    email = f" · {contact.primary_email}" if contact.primary_email else ""
    return f"{contact}{email} · #{contact.pk}"


@require_GET
@member_required
def requester_options(request: HttpRequest) -> HttpResponse:
    """<option>s of the contacts matching what was typed, for the requester's datalist."""
    principal = page_principal(request)
    q = request.GET.get("requester", "").strip()
    hits = search(principal, q, ["contact"], OPTIONS)["contact"] if len(q) >= 2 else []
    options = [f"{hit.title} · {hit.subtitle} · #{hit.object_id}" for hit in hits]
    return render(request, "tickets/_requester_options.html", {"options": options})


def _requester_id(principal: Principal, raw: str) -> int:
    found = _ID.search(raw)
    if found is None:
        raise Invalid.on("requester_id", "Pick the requester from the suggestions.")
    try:
        return get_contact(principal, int(found.group(1))).pk
    except NotFound:
        raise Invalid.on("requester_id", "That contact is not available; pick another.") from None


def _data(principal: Principal, post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {
        "subject": post.get("subject", ""),
        "requester_id": _requester_id(principal, post.get("requester", "")),
        "channel": post.get("channel", "phone"),
        "priority": post.get("priority", "normal"),
        "type": post.get("type", ""),
        "tags": [n.strip() for n in post.get("tags", "").split(",") if n.strip()],
    }
    for name in ("team_id", "assignee_id"):
        raw = post.get(name, "")
        data[name] = int(raw) if raw.isdigit() else None
    return data


def _errors(exc: Invalid) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for item in exc.errors or []:
        key = str(item.loc[0]) if item.loc else "form"
        errors.setdefault("requester" if key == "requester_id" else key, []).append(item.msg)
    return errors or {"form": [exc.detail]}


def _initial(principal: Principal, query: QueryDict) -> dict[str, Any]:
    values: dict[str, Any] = {"channel": "phone", "priority": "normal", "message_kind": "customer"}
    raw = query.get("contact", "")
    if raw.isdigit():
        values["requester"] = requester_label(get_contact(principal, int(raw)))
    if principal.user_id:
        values["assignee_id"] = str(principal.user_id)
    return values


@require_http_methods(["GET", "POST"])
@member_required
def ticket_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = {key: request.POST.get(key, "") for key in request.POST}
        kind = "note" if request.POST.get("message_kind") == "note" else "customer"
        try:
            ticket = services.create_ticket(
                principal,
                _data(principal, request.POST),
                request.POST.get("body", ""),
                message_kind=kind,
                attachments=request.FILES.getlist("attachments"),
            )
        except Invalid as exc:
            errors = _errors(exc)
            if request.FILES:
                errors.setdefault("attachments", []).append("Choose the files again.")
        else:
            messages.success(request, f"Ticket #{ticket.number} was created.")
            return redirect(f"/tickets/{ticket.number}")
    else:
        values = _initial(principal, request.GET)
    context = {
        "values": values,
        "errors": errors,
        "channel_choices": NEW_CHANNELS,
        "priority_choices": PRIORITY_CHOICES,
        "type_choices": TYPE_CHOICES,
        **people_context(principal),
    }
    return render(request, "tickets/new.html", context, status=422 if errors else 200)
