"""Writes about canned responses, and rendering one for a ticket.

Shared responses need the action's grant (*canned_response*); a personal response needs only
the right to view responses, and only its owner may change it. Bodies are sanitised with
core.richtext and checked as templates on every save, so one that cannot render is refused
with its line.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.core.richtext import clean_html
from rapport.macros.models import CannedResponse
from rapport.macros.queries import CANNED_TYPE, get_canned_response, reply_context
from rapport.macros.rendering import check_text, render_reply
from rapport.tickets.queries import get_ticket

MAX_TITLE = 100
MAX_BODY = 20_000
CANNED_FIELDS = ("title", "body", "is_shared")


def text_value(value: Any, name: str, limit: int, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is None or len(text) > limit or (required and not text):
        raise Invalid.on(name, f"The {name} has {1 if required else 0} to {limit:,} characters.")
    if "\x00" in text:
        raise Invalid.on(name, f"The {name} cannot contain a NUL character.")
    return text


def rich_body(value: Any, name: str = "body") -> str:
    body = clean_html(text_value(value, name, MAX_BODY, required=True))
    if not body:
        raise Invalid.on(name, f"The {name} has 1 to {MAX_BODY:,} characters.")
    check_text(name, body)
    return body


def collect(checks: dict[str, Any]) -> dict[str, Any]:
    """Run each field's check; report every field's problems at once."""
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, check in checks.items():
        try:
            cleaned[name] = check()
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned


def check_known(changes: dict[str, Any], fields: tuple[str, ...]) -> None:
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise Invalid.on(unknown[0], "Unknown or read-only field.")


# --- Canned responses ---------------------------------------------------------------------------


def _canned_snapshot(response: CannedResponse) -> dict[str, Any]:
    return {name: getattr(response, name) for name in CANNED_FIELDS}


def _clean_canned(changes: dict[str, Any]) -> dict[str, Any]:
    check_known(changes, CANNED_FIELDS)
    checks: dict[str, Any] = {}
    if "title" in changes:
        checks["title"] = lambda: text_value(changes["title"], "title", MAX_TITLE, required=True)
    if "body" in changes:
        checks["body"] = lambda: rich_body(changes["body"])
    if "is_shared" in changes:
        checks["is_shared"] = lambda: _flag(changes["is_shared"], "is_shared")
    return collect(checks)


def _flag(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise Invalid.on(name, "Choose true or false.")
    return value


def _require_canned(
    principal: Principal, action: str, is_shared: bool, response: CannedResponse | None = None
) -> None:
    """Shared: the action's grant. Personal: the right to view responses, and being the owner."""
    if is_shared:
        require(principal, action, CANNED_TYPE)
        return
    require(principal, "view", CANNED_TYPE)
    if principal.user_id is None:
        raise Invalid.on("is_shared", "Only a member can keep personal responses.")
    if response is not None and response.owner_id != principal.user_id:
        raise NotFound("canned response not found")


def _locked_canned(principal: Principal, response_id: int) -> CannedResponse:
    visible = get_canned_response(principal, response_id)  # NotFound unless the principal sees it
    return CannedResponse.objects.select_for_update().get(pk=visible.pk)


@transaction.atomic
def create_canned_response(
    principal: Principal, *, title: str, body: str, is_shared: bool = True
) -> CannedResponse:
    _require_canned(principal, "create", is_shared is not False)
    fields = _clean_canned({"title": title, "body": body, "is_shared": is_shared})
    response = CannedResponse(
        workspace_id=principal.workspace_id, owner_id=principal.user_id, **fields
    )
    response.save()
    record_change(principal, "create", CANNED_TYPE, response, _canned_snapshot(response))
    return response


@transaction.atomic
def update_canned_response(
    principal: Principal,
    response_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> CannedResponse:
    response = _locked_canned(principal, response_id)
    _require_canned(principal, "edit", response.is_shared, response)
    if changes.get("is_shared") is True and not response.is_shared:
        require(principal, "create", CANNED_TYPE)  # sharing one adds to the shared set
    if changes.get("is_shared") is False and response.is_shared:
        _require_canned(principal, "edit", False)
        response.owner_id = principal.user_id  # made personal: it becomes the editor's own
    check_version(response, expected_version)
    fields = _clean_canned(changes)
    before = _canned_snapshot(response)
    for name, value in fields.items():
        setattr(response, name, value)
    response.version += 1
    response.updated_at = timezone.now()
    response.save()
    record_change(
        principal, "update", CANNED_TYPE, response, diff(before, _canned_snapshot(response))
    )
    return response


@transaction.atomic
def delete_canned_response(principal: Principal, response_id: int) -> None:
    response = _locked_canned(principal, response_id)
    _require_canned(principal, "delete", response.is_shared, response)
    response.deleted_at = timezone.now()
    response.version += 1
    response.save(update_fields=["deleted_at", "version"])
    record_change(principal, "delete", CANNED_TYPE, response, _canned_snapshot(response))


def render_canned_response(principal: Principal, response_id: int, ticket_id: int) -> str:
    """The response's HTML with the ticket's merge fields filled, as the principal sees them."""
    response = get_canned_response(principal, response_id)
    ticket = get_ticket(principal, ticket_id)
    return render_reply("body", response.body, reply_context(principal, ticket))
