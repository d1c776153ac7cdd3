"""Checking the fields of a ticket write: choices, the requester, company, team and assignee.

Shared by create, update and bulk update, so every path applies the same rules. Each cleaner
raises ValueError (a field error on its own field) or returns the value to store.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rapport.companies.models import Company
from rapport.companies.services import clean_with, text_cleaners
from rapport.contacts.models import Contact
from rapport.core.errors import FieldError, Forbidden, Invalid
from rapport.core.permissions import Principal, visible
from rapport.tickets.models import CHANNELS, PRIORITIES, STATUSES, TYPES, Ticket
from rapport.workspaces.models import Membership, Team

OBJECT_TYPE = "ticket"
TEXT_FIELDS = ("subject", "last_assignment")
FIELDS = (
    "subject", "requester_id", "company_id", "channel", "status", "priority", "type", "team_id",
    "assignee_id", "last_assignment", "tags", "custom",
)  # fmt: skip


def _choice(options: tuple[str, ...], blank: bool = False) -> Callable[[Any], str]:
    def clean(raw: Any) -> str:
        if blank and raw in (None, ""):
            return ""
        if raw not in options:
            raise ValueError(f"Choose one of {', '.join(options)}.")
        return str(raw)

    return clean


def _id(raw: Any) -> int | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | str) or not str(raw).isdigit():
        raise ValueError("Give an id (a whole number).")
    return int(raw)


def clean_fields(data: dict[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """Cleaned plain fields (tags and custom pass through) and the problems found."""
    unknown = [name for name in data if name not in FIELDS]
    cleaners: dict[str, Callable[[Any], Any]] = {
        **text_cleaners(Ticket, TEXT_FIELDS),
        "channel": _choice(CHANNELS),
        "status": _choice(STATUSES),
        "priority": _choice(PRIORITIES),
        "type": _choice(TYPES, blank=True),
        "requester_id": _id,
        "company_id": _id,
        "team_id": _id,
        "assignee_id": _id,
    }
    cleaned, problems = clean_with(cleaners, {k: v for k, v in data.items() if k in FIELDS})
    problems += [FieldError((name,), "Unknown field.") for name in unknown]
    if "subject" in cleaned and not cleaned["subject"]:
        problems.append(FieldError(("subject",), "A ticket needs a subject."))
    return cleaned, problems


def requester_of(principal: Principal, contact_id: int | None) -> Contact:
    """A live contact of the workspace the principal may view."""
    contact = None
    if contact_id is not None:
        contacts = visible(principal, Contact.objects.all(), "contact")
        contact = contacts.filter(pk=contact_id).first()
    if contact is None:
        raise Invalid.on("requester_id", "Choose a contact of this workspace.")
    return contact


def company_of(principal: Principal, company_id: int | None) -> int | None:
    if company_id is None:
        return None
    if not Company.objects.filter(
        workspace_id=principal.workspace_id, pk=company_id, deleted_at__isnull=True
    ).exists():
        raise Invalid.on("company_id", "No such company.")
    return company_id


def team_of(principal: Principal, team_id: int | None) -> Team | None:
    if team_id is None:
        return None
    team = Team.objects.filter(workspace_id=principal.workspace_id, pk=team_id).first()
    if team is None:
        raise Invalid.on("team_id", "No such team.")
    return team


def is_member(workspace_id: int, user_id: int) -> bool:
    return Membership.objects.filter(
        workspace_id=workspace_id, user_id=user_id, is_active=True, user__is_active=True
    ).exists()


def check_assignee(principal: Principal, assignee_id: int | None, current: int | None) -> None:
    """Handing a ticket to someone else needs edit scope "all"; assignees are active members."""
    if assignee_id == current or assignee_id is None:
        return
    if assignee_id != principal.user_id and not (
        principal.is_admin or principal.scope_for("edit", OBJECT_TYPE) == "all"
    ):
        raise Forbidden("Your role may not assign tickets to other users.")
    if not is_member(principal.workspace_id, assignee_id):
        raise Invalid.on("assignee_id", "The assignee must be an active member of this workspace.")


def in_team(team: Team | None, user_id: int | None) -> bool:
    return team is None or user_id is None or team.members.filter(pk=user_id).exists()
