"""The customer's side of a quote: its public link, accepting or declining it, and expiry.

There is no user here: the customer acts through the quote's signed link, and the writes run as
the workspace's system principal labelled with the name they gave ("Ada Lovelace (quote link)"),
so the audit log and the deal's history say who it was. Accepting moves the deal to its
pipeline's won stage through `move_deal_to_stage`, like any other move; declining leaves the
stage alone. Either way the deal's owner is notified.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal, system_principal
from rapport.deals.models import Deal, Stage
from rapport.deals.services import move_deal_to_stage
from rapport.notifications.services import notify
from rapport.quotes.events import ACCEPTED, DECLINED, EXPIRED, emit_quote_event
from rapport.quotes.links import read_token
from rapport.quotes.models import Quote
from rapport.quotes.services.quotes import set_status, today_in
from rapport.workspaces.models import Workspace

logger = logging.getLogger(__name__)
NOTIFY_KIND = "quote"
EXPIRE_BATCH = 500


@dataclass(frozen=True)
class LinkState:
    """What a link leads to: the quote, or why it is refused (`reason` for the page)."""

    quote: Quote | None
    reason: str = ""  # "", "invalid", "superseded", "accepted", "declined", "expired"

    @property
    def is_open(self) -> bool:
        return self.quote is not None and not self.reason


def _state(quote: Quote | None, version: int, nonce: str) -> LinkState:
    if quote is None or quote.link_nonce != nonce or quote.version != version:
        return LinkState(None, "invalid")
    deal_live = Deal.objects.filter(pk=quote.deal_id, deleted_at__isnull=True).exists()
    if not deal_live or quote.status == "draft":
        return LinkState(None, "invalid")
    if quote.status in ("superseded", "accepted", "declined", "expired"):
        return LinkState(quote, quote.status)
    workspace = Workspace.objects.get(pk=quote.workspace_id)
    if quote.valid_until < today_in(workspace):
        return LinkState(quote, "expired")
    return LinkState(quote, "")


def find_quote_by_link(token: str, lock: bool = False) -> LinkState:
    """The quote a public link opens, and whether it can still be answered. A tampered token,
    a draft, an old nonce or a deal in the restore bin is "invalid" (shown as not found)."""
    claim = read_token(token)
    if claim is None:
        return LinkState(None, "invalid")
    quotes = Quote.objects.select_for_update() if lock else Quote.objects.all()
    return _state(quotes.filter(pk=claim.quote_id).first(), claim.version, claim.nonce)


@dataclass(frozen=True)
class Answer:
    name: str
    email: str
    comment: str
    ip: str | None


def clean_answer(data: dict[str, Any], ip: str | None) -> Answer:
    """The customer's name (required), email (optional) and comment (optional), checked."""
    problems: list[FieldError] = []
    name = str(data.get("name") or "").strip()
    email = str(data.get("email") or "").strip().lower()
    comment = str(data.get("comment") or "").strip()
    if not name:
        problems.append(FieldError(("name",), "Enter your name."))
    elif len(name) > 200:
        problems.append(FieldError(("name",), "Enter at most 200 characters."))
    if email:
        try:
            validate_email(email)
        except ValidationError:
            problems.append(FieldError(("email",), "Enter a valid email address."))
    if len(comment) > 2000:
        problems.append(FieldError(("comment",), "Write at most 2,000 characters."))
    if any("\x00" in text for text in (name, email, comment)):
        problems.append(FieldError(("comment",), "Cannot contain a NUL character."))
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    return Answer(name, email, comment, ip or None)


def _customer(quote: Quote, answer: Answer) -> Principal:
    principal = system_principal(quote.workspace_id)
    return dataclasses.replace(principal, extra={"label": f"{answer.name} (quote link)"[:200]})


def _won_stage(deal: Deal) -> Stage | None:
    stages = Stage.objects.filter(pipeline_id=deal.pipeline_id, kind="won", removed_at__isnull=True)
    return stages.order_by("position", "pk").first()


def _decide(token: str, data: dict[str, Any], ip: str | None, decision: str) -> LinkState:
    state = find_quote_by_link(token, lock=True)
    if not state.is_open or state.quote is None:
        return state
    answer = clean_answer(data, ip)
    quote = state.quote
    principal = _customer(quote, answer)
    set_status(
        principal,
        quote,
        decision,
        "decide",
        decision=decision,
        decided_at=timezone.now(),
        decision_name=answer.name,
        decision_email=answer.email,
        decision_comment=answer.comment,
        decision_ip=answer.ip,
    )
    name = ACCEPTED if decision == "accepted" else DECLINED
    emit_quote_event(
        principal, name, quote, name=answer.name, email=answer.email, comment=answer.comment
    )
    deal = Deal.objects.select_related("stage").get(pk=quote.deal_id)
    if decision == "accepted":
        won = _won_stage(deal)
        if won is not None and deal.stage.kind != "won":
            deal = move_deal_to_stage(principal, deal.pk, won.pk)
    said = f" They wrote: {answer.comment}" if answer.comment else ""
    title = f"{answer.name} {decision} quote {quote.number} ({deal.name})"
    body = f"Version {quote.version}, {quote.total} {quote.currency}.{said}"
    notify(principal, [deal.owner_id], NOTIFY_KIND, title, body, "deal", deal.pk)
    return LinkState(quote, decision)


@transaction.atomic
def accept_quote(token: str, data: dict[str, Any], ip: str | None = None) -> LinkState:
    """Accept the quote the link opens (`data`: name, email, comment): record the answer, move
    the deal to its pipeline's won stage, notify its owner. A link that can no longer be
    answered changes nothing; its state says why."""
    return _decide(token, data, ip, "accepted")


@transaction.atomic
def decline_quote(token: str, data: dict[str, Any], ip: str | None = None) -> LinkState:
    """Decline the quote the link opens: record the answer and notify the deal's owner."""
    return _decide(token, data, ip, "declined")


def expire_quotes(now: dt.datetime) -> int:
    """Mark sent quotes past their last valid day (in their workspace's time zone) expired;
    the scheduler runs it every 15 minutes. The number expired."""
    soon = (now + dt.timedelta(days=1)).date()  # no time zone is a day ahead of that
    candidates = Quote.objects.filter(status="sent", valid_until__lt=soon).order_by("pk")
    zones: dict[int, dt.date] = {}
    expired = 0
    for quote_id, workspace_id in candidates.values_list("pk", "workspace_id")[:EXPIRE_BATCH]:
        if workspace_id not in zones:
            zones[workspace_id] = today_in(Workspace.objects.get(pk=workspace_id))
        expired += _expire(quote_id, zones[workspace_id])
    return expired


@transaction.atomic
def _expire(quote_id: int, today: dt.date) -> int:
    quote = Quote.objects.select_for_update().filter(pk=quote_id, status="sent").first()
    if quote is None or quote.valid_until >= today:
        return 0
    principal = system_principal(quote.workspace_id)
    set_status(principal, quote, "expired", "expire")
    emit_quote_event(principal, EXPIRED, quote, valid_until=quote.valid_until.isoformat())
    return 1
