"""The support settings of a workspace, and the hourly sweep that closes solved tickets.

A solved ticket closes `auto_close_days` after it was solved (0: never) unless the customer
writes first (which reopens it). The sweep acts as each workspace's system principal, through
the same status rules, audit entry and events as an agent's change.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.companies.services import clean_with
from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal, require, system_principal
from rapport.customfields import values
from rapport.tickets.events import emit_status_changed
from rapport.tickets.models import Ticket, TicketSettings
from rapport.tickets.queries import ticket_settings
from rapport.tickets.services.tickets import OBJECT_TYPE, reindex, set_status, snapshot

SETTINGS_RIGHT = "workspace"  # the support settings are workspace settings (owners, admins)
MAX_AUTO_CLOSE_DAYS = 365
CLOSE_BATCH = 500  # tickets closed per sweep; the next sweep takes the rest


def _days(raw: Any) -> int:
    days = values.normalise_integer(raw)
    if not 0 <= days <= MAX_AUTO_CLOSE_DAYS:
        raise ValueError(f"Enter 0 (never) to {MAX_AUTO_CLOSE_DAYS} days.")
    return days


def _email(raw: Any) -> str:
    text = values.normalise_text(raw, 254)
    if text and ("@" not in parseaddr(text)[1] or parseaddr(text)[1] != text):
        raise ValueError("Enter an email address like support@example.com.")
    return text.lower()


def _settings_snapshot(found: TicketSettings) -> dict[str, Any]:
    return {n: getattr(found, n) for n in ("auto_close_days", "from_email", "from_name")}


@transaction.atomic
def update_ticket_settings(principal: Principal, data: dict[str, Any]) -> TicketSettings:
    """Change the auto-close delay and the address replies are sent from."""
    require(principal, "edit", SETTINGS_RIGHT)
    cleaners = {
        "auto_close_days": _days,
        "from_email": _email,
        "from_name": lambda raw: values.normalise_text(raw, 100),
    }
    cleaned, problems = clean_with(cleaners, data)
    problems += [FieldError((k,), "Unknown field.") for k in data if k not in cleaners]
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    found = _locked_settings(principal.workspace_id)
    before = _settings_snapshot(found)
    for name, value in cleaned.items():
        setattr(found, name, value)
    found.version += 1
    found.updated_at = timezone.now()
    found.save()
    changes = diff(before, _settings_snapshot(found))
    record_change(principal, "update", "ticket_settings", found, changes)
    return found


def _locked_settings(workspace_id: int) -> TicketSettings:
    """The workspace's settings row, locked; saved with the defaults first if it has none."""
    rows = TicketSettings.objects.select_for_update()
    found = rows.filter(workspace_id=workspace_id).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():  # a savepoint: losing the race to create it is fine
            return TicketSettings.objects.create(workspace_id=workspace_id)
    except IntegrityError:
        return rows.get(workspace_id=workspace_id)


def close_solved_tickets(now: dt.datetime | None = None) -> int:
    """Close tickets solved at least their workspace's auto-close days ago; the number closed.
    The scheduler runs it every hour."""
    now = now or timezone.now()
    solved = Ticket.objects.filter(status="solved", deleted_at__isnull=True)
    closed = 0
    workspace_ids = solved.order_by().values_list("workspace_id", flat=True).distinct()
    for workspace_id in list(workspace_ids):
        days = ticket_settings(workspace_id).auto_close_days
        if not days:
            continue
        due = solved.filter(workspace_id=workspace_id, solved_at__lte=now - dt.timedelta(days=days))
        for ticket_id in due.order_by("solved_at", "pk").values_list("pk", flat=True)[:CLOSE_BATCH]:
            closed += _close(workspace_id, ticket_id, now - dt.timedelta(days=days))
    return closed


@transaction.atomic
def _close(workspace_id: int, ticket_id: int, solved_before: dt.datetime) -> int:
    ticket = (
        Ticket.objects.select_for_update()
        .filter(
            pk=ticket_id, status="solved", solved_at__lte=solved_before, deleted_at__isnull=True
        )
        .first()
    )
    if ticket is None:  # reopened or closed since the sweep looked
        return 0
    principal = system_principal(workspace_id)
    before = snapshot(ticket)
    ticket.bump()
    old = set_status(ticket, "closed")
    ticket.save()
    record_change(principal, "update", OBJECT_TYPE, ticket, diff(before, snapshot(ticket)))
    if old is not None:
        emit_status_changed(principal, ticket, old)
    reindex(ticket)
    return 1
