"""A ticket's page (/tickets/<number>): the conversation and composer, the sidebar of fields,
the requester card (their company, open deals and other tickets), followers and History."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.field_specs import FieldSpec, errors_by_input, service_data
from rapport.core.history import list_record_history
from rapport.core.pages import page_principal
from rapport.core.permissions import Principal, can
from rapport.customfields.queries import active_fields, field_specs_of
from rapport.deals.queries import deals_of_contact
from rapport.macros.queries import canned_choices, macro_choices
from rapport.tickets import queries, services
from rapport.tickets.models import Ticket
from rapport.tickets.pages.display import (
    OBJECT_TYPE,
    PRIORITY_CHOICES,
    STATUS_CHOICES,
    TYPE_CHOICES,
    people_context,
    ticket_by_number,
    zone_of,
)
from rapport.workspaces.auth import member_required
from rapport.workspaces.queries import find_workspace

RELATED_LIMIT = 5  # deals and other tickets on the requester card
SIDEBAR_FIELDS = ("status", "priority", "type", "team_id", "assignee_id", "tags")


def custom_specs(principal: Principal) -> list[FieldSpec]:
    return field_specs_of(active_fields(principal.workspace_id, OBJECT_TYPE))


def _requester_card(principal: Principal, ticket: Ticket) -> dict[str, Any]:
    """The requester's open deals and other open tickets: sales and support share the record."""
    if ticket.requester_id is None:
        return {"deals": [], "other_tickets": []}
    deals = (
        deals_of_contact(principal, ticket.requester_id, RELATED_LIMIT)
        if can(principal, "view", "deal")
        else []
    )
    others = queries.open_tickets_of_contact(principal, ticket.requester_id, RELATED_LIMIT + 1)
    return {
        "deals": [d for d in deals if d.stage.kind == "open"],
        "other_tickets": [t for t in others if t.pk != ticket.pk][:RELATED_LIMIT],
        "can_view_requester": can(principal, "view", "contact", ticket.requester),
    }


def sidebar_values(ticket: Ticket) -> dict[str, Any]:
    """The sidebar form's values for the ticket as it is."""
    return {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "team_id": str(ticket.team_id or ""),
        "assignee_id": str(ticket.assignee_id or ""),
        "tags": ", ".join(tag.name for tag in getattr(ticket, "tag_rows", ticket.tags.all())),
    }


def detail_context(principal: Principal, ticket: Ticket, **extra: Any) -> dict[str, Any]:
    """Everything the ticket page shows; `extra` overrides (a composer or sidebar with errors)."""
    specs = custom_specs(principal)
    followers = queries.followers_of(ticket)
    context = {
        "ticket": ticket,
        "url": f"/tickets/{ticket.number}",
        "thread": queries.messages_of(principal, ticket.pk),
        "body": {"custom": ticket.custom or {}},
        "custom_specs": specs,
        "sidebar": sidebar_values(ticket),
        "sidebar_errors": {},
        "composer": {"kind": "reply", "body": ""},
        "composer_errors": {},
        "followers": followers,
        "is_following": principal.user_id in followers,
        "canned": canned_choices(principal),
        "macros": macro_choices(principal),
        "status_choices": STATUS_CHOICES,
        "priority_choices": PRIORITY_CHOICES,
        "type_choices": TYPE_CHOICES,
        "can_edit": can(principal, "edit", OBJECT_TYPE, ticket) and ticket.status != "closed",
        "can_delete": can(principal, "delete", OBJECT_TYPE, ticket),
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_view_articles": can(principal, "view", "article"),
        "time_zone": find_workspace(principal).time_zone,
        **_requester_card(principal, ticket),
        **people_context(principal),
    }
    return context | extra


def render_ticket(
    request: HttpRequest, principal: Principal, ticket: Ticket, status: int = 200, **extra: Any
) -> HttpResponse:
    with timezone.override(zone_of(principal)):
        context = detail_context(principal, ticket, **extra)
        return render(request, "tickets/detail.html", context, status=status)


@require_GET
@member_required
def ticket_detail(request: HttpRequest, number: int) -> HttpResponse:
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    if ticket.merged_into_id and "stay" not in request.GET:
        survivor = queries.find_ticket(principal, ticket.merged_into_id)
        if survivor is not None:
            messages.info(request, f"Ticket #{ticket.number} was merged into this one.")
            return redirect(f"/tickets/{survivor.number}")
    return render_ticket(request, principal, ticket)


# --- The sidebar: fields and followers ----------------------------------------------------------


def _tag_names(raw: str) -> list[str]:
    return list(dict.fromkeys(name.strip() for name in raw.split(",") if name.strip()))


def _id_or_none(raw: str) -> int | None:
    return int(raw) if raw.isdigit() else None


def sidebar_data(principal: Principal, post: QueryDict, specs: list[FieldSpec]) -> dict[str, Any]:
    """The sidebar's post as update_ticket's input."""
    data: dict[str, Any] = {
        "status": post.get("status", ""),
        "priority": post.get("priority", ""),
        "type": post.get("type", ""),
        "team_id": _id_or_none(post.get("team_id", "")),
        "assignee_id": _id_or_none(post.get("assignee_id", "")),
        "tags": _tag_names(post.get("tags", "")),
    }
    custom = service_data(specs, post, find_workspace(principal).time_zone).get("custom")
    if custom:
        data["custom"] = custom
    return data


def _sidebar_errors(exc: Invalid, specs: list[FieldSpec]) -> tuple[dict[str, list[str]], list[str]]:
    """Errors by sidebar input (standard fields by name, custom ones by input name)."""
    standard = [e for e in exc.errors if e.loc and str(e.loc[0]) in SIDEBAR_FIELDS]
    errors: dict[str, list[str]] = {}
    for item in standard:
        errors.setdefault(str(item.loc[0]), []).append(item.msg)
    rest = Invalid(exc.detail, [e for e in exc.errors if e not in standard])
    by_input, other = errors_by_input(rest, specs) if rest.errors or not standard else ({}, [])
    return errors | by_input, other


@require_POST
@member_required
def ticket_fields(request: HttpRequest, number: int) -> HttpResponse:
    """Save the sidebar's fields in one update; errors come back beside each field."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    specs = custom_specs(principal)
    version = request.POST.get("version", "")
    try:
        data = sidebar_data(principal, request.POST, specs)
        services.update_ticket(
            principal, ticket.pk, data, int(version) if version.isdigit() else None
        )
    except Invalid as exc:
        posted = {key: request.POST.get(key, "") for key in sidebar_values(ticket)}
        errors, other = _sidebar_errors(exc, specs)
        problems = {"sidebar": posted, "sidebar_errors": errors, "sidebar_problems": other}
        return render_ticket(request, principal, ticket, 422, posted=request.POST, **problems)
    except (PreconditionFailed, Conflict) as exc:
        detail = "Someone changed this ticket meanwhile; here it is as it is now."
        messages.error(
            request, detail if isinstance(exc, PreconditionFailed) else f"Not saved. {exc.detail}"
        )
    else:
        messages.success(request, f"Ticket #{ticket.number} saved.")
    return redirect(f"/tickets/{ticket.number}")


@require_POST
@member_required
def ticket_follow(request: HttpRequest, number: int) -> HttpResponse:
    """Follow or unfollow yourself, or add or remove another member (`user_id`)."""
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    raw = request.POST.get("user_id", "")
    user_id = int(raw) if raw.isdigit() else None
    someone = user_id is not None and user_id != principal.user_id
    try:
        if request.POST.get("action") == "unfollow":
            services.unfollow_ticket(principal, ticket.pk, user_id)
            done = "They no longer follow" if someone else "You no longer follow"
        else:
            services.follow_ticket(principal, ticket.pk, user_id)
            done = "They now follow" if someone else "You now follow"
    except Invalid as exc:
        messages.error(request, " ".join(e.msg for e in exc.errors) or exc.detail)
    else:
        messages.success(request, f"{done} this ticket.")
    return redirect(f"/tickets/{ticket.number}")


@require_POST
@member_required
def ticket_delete(request: HttpRequest, number: int) -> HttpResponse:
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    services.delete_ticket(principal, ticket.pk)
    messages.success(request, f"{ticket} was moved to the restore bin (kept for 30 days).")
    return redirect("/tickets")


@require_GET
@member_required
def ticket_history(request: HttpRequest, number: int) -> HttpResponse:
    principal = page_principal(request)
    ticket = ticket_by_number(principal, number)
    page = list_record_history(principal, ticket, cursor=request.GET.get("cursor"), limit=25)
    context = {"entries": page.items, "page": page, "url": f"/tickets/{ticket.number}"}
    return render(request, "contacts/_history.html", context)
