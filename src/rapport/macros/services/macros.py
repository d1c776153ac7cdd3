"""Writes about macros, and applying one to a ticket.

A macro is a workspace setting under the *macro* grant. Its actions are checked against the
workspace when saved (a team, a member, a shared canned response, a message that renders), and
applying it is one transaction: `update_ticket` with every field change (tags as the resulting
list), then the reply or note through `add_reply` / `add_note` (a reply carries the status),
then an `apply` audit entry on the macro. Anything refused rolls all of it back.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Invalid
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, can, require
from rapport.macros.actions import MacroActions, MacroMessage, parse_actions, stored
from rapport.macros.models import CannedResponse, Macro
from rapport.macros.queries import MACRO_TYPE, get_macro, reply_context
from rapport.macros.rendering import render_reply
from rapport.macros.services.canned import check_known, collect, rich_body, text_value
from rapport.tags.queries import find_tag_by_name
from rapport.tags.services import create_tag
from rapport.tickets import services as tickets
from rapport.tickets.models import Ticket
from rapport.tickets.queries import get_ticket
from rapport.workspaces.models import Membership, Team

MAX_TITLE = 100
MAX_DESCRIPTION = 500
MACRO_FIELDS = ("title", "description", "actions")


def _snapshot(macro: Macro) -> dict[str, Any]:
    return {name: getattr(macro, name) for name in MACRO_FIELDS}


def _check_refs(principal: Principal, actions: MacroActions) -> None:
    """The team, assignee and canned response the actions name exist in this workspace."""
    workspace_id = principal.workspace_id
    team_id = actions.team_id
    if (
        team_id is not None
        and not Team.objects.filter(workspace_id=workspace_id, pk=team_id).exists()
    ):
        raise Invalid.on(("actions", "team_id"), "No such team in this workspace.")
    if isinstance(actions.assignee_id, int):
        members = Membership.objects.filter(workspace_id=workspace_id, is_active=True)
        if not members.filter(user_id=actions.assignee_id).exists():
            raise Invalid.on(("actions", "assignee_id"), "Choose an active member.")
    message = actions.message
    if message is None:
        return
    if message.canned_response_id is not None:
        shared = CannedResponse.objects.filter(
            workspace_id=workspace_id, pk=message.canned_response_id, is_shared=True
        )
        if not shared.filter(deleted_at__isnull=True).exists():
            raise Invalid.on(
                ("actions", "message", "canned_response_id"), "Choose a shared canned response."
            )
    else:
        rich_body(message.body, "body")


def _clean_actions(principal: Principal, raw: Any) -> dict[str, Any]:
    actions = parse_actions(raw)
    try:
        _check_refs(principal, actions)
    except Invalid as exc:
        errors = [
            e if e.loc[0] == "actions" else type(e)(("actions", "message", *e.loc), e.msg, e.type)
            for e in exc.errors
        ]
        raise Invalid(errors[0].msg, errors) from None
    data = stored(actions)
    if actions.message is not None and actions.message.canned_response_id is None:
        data["message"]["body"] = rich_body(actions.message.body)
    return data


def _ensure_tags(principal: Principal, names: list[str]) -> None:
    """Create the tags a macro adds that do not exist yet, with its author's right, so agents
    who may not create tags can still apply it."""
    for name in names:
        if find_tag_by_name(principal.workspace_id, name) is not None:
            continue
        if not can(principal, "create", "tag"):
            raise Invalid.on(
                ("actions", "add_tags"),
                f"There is no tag {name!r} and your role may not create tags.",
            )
        create_tag(principal, name)


def _clean(principal: Principal, changes: dict[str, Any]) -> dict[str, Any]:
    check_known(changes, MACRO_FIELDS)
    checks: dict[str, Any] = {}
    if "title" in changes:
        checks["title"] = lambda: text_value(changes["title"], "title", MAX_TITLE, required=True)
    if "description" in changes:
        checks["description"] = lambda: text_value(
            changes["description"], "description", MAX_DESCRIPTION, required=False
        )
    if "actions" in changes:
        checks["actions"] = lambda: _clean_actions(principal, changes["actions"])
    cleaned = collect(checks)
    _ensure_tags(principal, cleaned.get("actions", {}).get("add_tags", []))
    return cleaned


def _locked(principal: Principal, macro_id: int) -> Macro:
    get_macro(principal, macro_id)  # NotFound unless visible
    return Macro.objects.select_for_update().get(pk=macro_id)


@transaction.atomic
def create_macro(
    principal: Principal, *, title: str, actions: dict[str, Any], description: str = ""
) -> Macro:
    require(principal, "create", MACRO_TYPE)
    fields = _clean(principal, {"title": title, "description": description, "actions": actions})
    macro = Macro(workspace_id=principal.workspace_id, created_by_id=principal.user_id, **fields)
    macro.save()
    record_change(principal, "create", MACRO_TYPE, macro, _snapshot(macro))
    return macro


@transaction.atomic
def update_macro(
    principal: Principal,
    macro_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> Macro:
    macro = _locked(principal, macro_id)
    require(principal, "edit", MACRO_TYPE, macro)
    check_version(macro, expected_version)
    fields = _clean(principal, changes)
    before = _snapshot(macro)
    for name, value in fields.items():
        setattr(macro, name, value)
    macro.version += 1
    macro.updated_at = timezone.now()
    macro.save()
    record_change(principal, "update", MACRO_TYPE, macro, diff(before, _snapshot(macro)))
    return macro


@transaction.atomic
def delete_macro(principal: Principal, macro_id: int) -> None:
    macro = _locked(principal, macro_id)
    require(principal, "delete", MACRO_TYPE, macro)
    macro.deleted_at = timezone.now()
    macro.version += 1
    macro.save(update_fields=["deleted_at", "version"])
    record_change(principal, "delete", MACRO_TYPE, macro, _snapshot(macro))


# --- Applying -----------------------------------------------------------------------------------


def _tag_names(ticket: Ticket, actions: MacroActions) -> list[str] | None:
    """The ticket's tags after the macro, or None when they do not change."""
    current = [tag.name for tag in ticket.tags.all()]
    removed = {name.casefold() for name in actions.remove_tags}
    kept = [name for name in current if name.casefold() not in removed]
    have = {name.casefold() for name in kept}
    added = [name for name in actions.add_tags if name.casefold() not in have]
    result = kept + added
    return None if [n.casefold() for n in result] == [n.casefold() for n in current] else result


def field_changes(principal: Principal, ticket: Ticket, actions: MacroActions) -> dict[str, Any]:
    """What `update_ticket` is given: only the fields the macro sets that differ."""
    set_keys = actions.model_fields_set
    data: dict[str, Any] = {}
    for name in ("status", "priority", "type"):
        if name in set_keys and getattr(actions, name) is not None:
            data[name] = getattr(actions, name)
    if "team_id" in set_keys:
        data["team_id"] = actions.team_id
    if "assignee_id" in set_keys:
        data["assignee_id"] = (
            principal.user_id if actions.assignee_id == "me" else actions.assignee_id
        )
    current = {
        "status": ticket.status,
        "priority": ticket.priority,
        "type": ticket.type,
        "team_id": ticket.team_id,
        "assignee_id": ticket.assignee_id,
    }
    data = {name: value for name, value in data.items() if current[name] != value}
    tags = _tag_names(ticket, actions)
    if tags is not None:
        data["tags"] = tags
    return data


def message_body(principal: Principal, ticket: Ticket, message: MacroMessage) -> str:
    """The macro's message for this ticket, merge fields filled (a deleted response: Invalid)."""
    source = message.body
    if message.canned_response_id is not None:
        response = CannedResponse.objects.filter(
            workspace_id=principal.workspace_id,
            pk=message.canned_response_id,
            is_shared=True,
            deleted_at__isnull=True,
        ).first()
        if response is None:
            raise Invalid.on("macro", "The macro's canned response was deleted; edit the macro.")
        source = response.body
    return render_reply("body", source, reply_context(principal, ticket))


@transaction.atomic
def apply_macro(principal: Principal, macro_id: int, ticket_id: int) -> Ticket:
    """Every action of the macro on the ticket, all or nothing; the ticket as it is after."""
    macro = get_macro(principal, macro_id)
    ticket = get_ticket(principal, ticket_id)
    require(principal, "edit", "ticket", ticket)
    actions = MacroActions.model_validate(macro.actions)
    data = field_changes(principal, ticket, actions)
    message = actions.message
    reply_status = data.pop("status", None) if message and message.kind == "reply" else None
    if data:
        tickets.update_ticket(principal, ticket.pk, data)
    if message is not None:
        body = message_body(principal, get_ticket(principal, ticket.pk), message)
        if message.kind == "reply":
            tickets.add_reply(principal, ticket.pk, body, status=reply_status)
        else:
            tickets.add_note(principal, ticket.pk, body)
    record_change(principal, "apply", MACRO_TYPE, macro, {"ticket": [None, str(ticket)]})
    return get_ticket(principal, ticket.pk)
