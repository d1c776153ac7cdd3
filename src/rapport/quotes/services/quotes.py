"""Writes about quotes made by users: create one from a deal, revise it, send it.

Quotes follow their deal's rights: making, revising and sending one needs *edit* on the deal
(viewing needs *view*), checked before anything changes. Each write is one transaction with its
audit entry (object type "quote") and event; the email itself goes out from a job after commit.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.activities.services import create_activity
from rapport.core.audit import record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.jobs import enqueue_on_commit
from rapport.core.permissions import Principal, require
from rapport.deals.models import Deal, LineItem
from rapport.deals.queries import find_deal
from rapport.quotes.events import SENT, emit_quote_event
from rapport.quotes.links import new_nonce
from rapport.quotes.models import OPEN_STATUSES, Quote, QuoteCounter
from rapport.quotes.offers import primary_contact, take_offer
from rapport.workspaces.models import Workspace

OBJECT_TYPE = "quote"
RIGHTS = "deal"  # the object type whose grants quotes follow
SEND_JOB = "rapport.quotes.jobs.send_quote_email"
DEFAULT_VALID_DAYS = 30
MAX_TERMS = 10_000
MAX_MESSAGE = 5_000
SNAPSHOT = (
    "deal_id",
    "number",
    "version",
    "status",
    "currency",
    "valid_until",
    "terms",
    "subtotal",
    "tax",
    "total",
)


def snapshot(quote: Quote) -> dict[str, Any]:
    return {name: getattr(quote, name) for name in SNAPSHOT}


def today_in(workspace: Workspace) -> dt.date:
    try:
        zone = zoneinfo.ZoneInfo(workspace.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.now().astimezone(zone).date()


# --- Numbers ------------------------------------------------------------------------------------


def next_number(workspace_id: int, year: int) -> str:
    """The workspace's next quote number of `year` (Q-2026-0007), inside the caller's transaction.

    The year's counter row is locked until the transaction ends, so two quotes made at once get
    two numbers on PostgreSQL (SQLite's IMMEDIATE transactions already run writers one at a
    time); a number is never handed out twice, even when its quote's transaction rolls back.
    """
    counters = QuoteCounter.objects.filter(workspace_id=workspace_id, year=year)
    if not counters.exists():
        try:
            with transaction.atomic():  # a savepoint: losing the race to create it is fine
                QuoteCounter.objects.create(workspace_id=workspace_id, year=year)
        except IntegrityError:
            pass
    counter = counters.select_for_update().get()
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"Q-{year}-{counter.last:04d}"


# --- Input --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteInput:
    valid_until: dt.date
    terms: str


def _clean_input(data: dict[str, Any], today: dt.date, fallback: Quote | None) -> QuoteInput:
    """`valid_until` and `terms` as given, else the revised quote's (a day already past gives
    way to the default), else 30 days from today and no terms."""
    problems: list[FieldError] = []
    raw_date = data.get("valid_until")
    valid_until = today + dt.timedelta(DEFAULT_VALID_DAYS)
    if fallback is not None and fallback.valid_until >= today:
        valid_until = fallback.valid_until
    if raw_date not in (None, ""):
        try:
            valid_until = (
                raw_date if isinstance(raw_date, dt.date) else dt.date.fromisoformat(str(raw_date))
            )
        except ValueError:
            problems.append(FieldError(("valid_until",), "Enter a date like 2026-12-31."))
    if not problems and not today <= valid_until <= today + dt.timedelta(days=3650):
        problems.append(
            FieldError(("valid_until",), "Choose a day from today to ten years from now.")
        )
    terms = data.get("terms", fallback.terms if fallback else "")
    if not isinstance(terms, str) or len(terms) > MAX_TERMS or "\x00" in terms:
        problems.append(FieldError(("terms",), f"Enter text of at most {MAX_TERMS:,} characters."))
    if problems:
        raise Invalid("Some fields are not valid.", problems)
    return QuoteInput(valid_until, str(terms).strip())


# --- Create and revise --------------------------------------------------------------------------


def _editable_deal(principal: Principal, deal_id: int) -> Deal:
    """The deal, locked, when the principal may view it (else NotFound) and edit it."""
    if find_deal(principal, deal_id) is None:
        raise NotFound("deal not found")
    deal = Deal.objects.select_for_update().get(pk=deal_id)
    require(principal, "edit", RIGHTS, deal)
    return deal


def _fill(principal: Principal, quote: Quote, deal: Deal, workspace: Workspace) -> None:
    """Take the deal's offer as it stands now into the quote (in memory)."""
    lines = list(
        LineItem.objects.filter(deal=deal).select_related("product").order_by("position", "pk")
    )
    if not lines:
        raise Invalid.on(
            "line_items", "This deal has no line items; add the products it sells first."
        )
    offer = take_offer(principal, deal, lines, workspace)
    quote.offer, quote.currency = offer, deal.currency
    quote.subtotal, quote.tax = Decimal(offer["subtotal"]), Decimal(offer["tax"])
    quote.total = Decimal(offer["total"])
    quote.link_nonce, quote.updated_at = new_nonce(), timezone.now()


@transaction.atomic
def create_quote(principal: Principal, deal_id: int, data: dict[str, Any] | None = None) -> Quote:
    """A new quote (version 1, draft) of the deal's line items as they are now."""
    deal = _editable_deal(principal, deal_id)
    workspace = Workspace.objects.get(pk=principal.workspace_id)
    today = today_in(workspace)
    fields = _clean_input(data or {}, today, None)
    quote = Quote(
        workspace_id=deal.workspace_id,
        deal=deal,
        created_by_id=principal.user_id,
        valid_until=fields.valid_until,
        terms=fields.terms,
    )
    _fill(principal, quote, deal, workspace)
    quote.number = next_number(deal.workspace_id, today.year)
    quote.save()
    record_change(principal, "create", OBJECT_TYPE, quote, snapshot(quote))
    return quote


def lock_quote(principal: Principal, quote_id: int, action: str = "edit") -> Quote:
    """The quote, locked, when the principal may view its deal (else NotFound) and take
    `action` on it."""
    quote = (
        Quote.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=quote_id)
        .first()
    )
    if quote is None or find_deal(principal, quote.deal_id) is None:
        raise NotFound("quote not found")
    require(principal, action, RIGHTS, Deal.objects.get(pk=quote.deal_id))
    return quote


def set_status(principal: Principal, quote: Quote, status: str, action: str, **more: Any) -> None:
    """Move the quote to `status` with the `more` fields set, audited as `action`."""
    before = snapshot(quote) | {name: getattr(quote, name) for name in more}
    quote.status, quote.updated_at = status, timezone.now()
    for name, value in more.items():
        setattr(quote, name, value)
    quote.save()
    after = snapshot(quote) | more
    changes = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
    record_change(principal, action, OBJECT_TYPE, quote, changes)


@transaction.atomic
def revise_quote(principal: Principal, quote_id: int, data: dict[str, Any] | None = None) -> Quote:
    """The quote again from the deal's line items as they are now. A draft is refreshed in
    place (nobody has seen it); a sent, declined or expired one gets a new version with the same
    number, and this one is superseded: still readable, no longer acceptable."""
    quote = lock_quote(principal, quote_id)
    if quote.status in ("accepted", "superseded"):
        latest = "it was accepted" if quote.status == "accepted" else "a newer version exists"
        raise Conflict(f"Quote {quote.number} v{quote.version} cannot be revised: {latest}.")
    deal = _editable_deal(principal, quote.deal_id)
    workspace = Workspace.objects.get(pk=principal.workspace_id)
    fields = _clean_input(data or {}, today_in(workspace), quote)
    if quote.status == "draft":
        before = snapshot(quote)
        quote.valid_until, quote.terms = fields.valid_until, fields.terms
        _fill(principal, quote, deal, workspace)
        quote.save()
        after = snapshot(quote)
        changes = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
        record_change(principal, "update", OBJECT_TYPE, quote, changes)
        return quote
    new = Quote(
        workspace_id=quote.workspace_id,
        deal=deal,
        number=quote.number,
        version=quote.version + 1,
        created_by_id=principal.user_id,
        valid_until=fields.valid_until,
        terms=fields.terms,
    )
    _fill(principal, new, deal, workspace)
    set_status(principal, quote, "superseded", "supersede")
    new.save()
    record_change(principal, "create", OBJECT_TYPE, new, snapshot(new))
    return new


# --- Send ---------------------------------------------------------------------------------------


def _recipient(principal: Principal, quote: Quote, raw: Any) -> str:
    address = raw.strip() if isinstance(raw, str) else ""
    if not address:
        frozen = (quote.offer.get("contact") or {}).get("email", "")
        deal = Deal.objects.get(pk=quote.deal_id)
        current = primary_contact(principal, deal)
        address = frozen or (current.primary_email if current else "")
    if not address:
        raise Invalid.on("to", "The deal has no primary contact with an email; enter an address.")
    try:
        validate_email(address)
    except ValidationError as exc:
        raise Invalid.on("to", "Enter a valid email address.") from exc
    return address.lower()


@transaction.atomic
def send_quote(
    principal: Principal, quote_id: int, to: str | None = None, message: str = ""
) -> Quote:
    """Email the quote (HTML body, PDF attached, the accept/decline link) to `to`, by default the
    deal's primary contact, from a job after commit; log the email on the deal's timeline. A
    sent quote can be sent again (to someone else, say) while it is open."""
    quote = lock_quote(principal, quote_id)
    if quote.status not in OPEN_STATUSES:
        raise Conflict(f"Quote {quote.number} v{quote.version} is {quote.status}; revise it.")
    workspace = Workspace.objects.get(pk=principal.workspace_id)
    if quote.valid_until < today_in(workspace):
        raise Invalid.on(
            "valid_until",
            f"This quote was valid until {quote.valid_until}; revise it with a new date.",
        )
    address = _recipient(principal, quote, to)
    note = (message or "").strip()
    if len(note) > MAX_MESSAGE:
        raise Invalid.on("message", f"Write at most {MAX_MESSAGE:,} characters.")
    now = timezone.now()
    set_status(
        principal, quote, "sent", "send", sent_at=now, sent_by_id=principal.user_id, sent_to=address
    )
    emit_quote_event(principal, SENT, quote, to=address)
    subject = f"Quote {quote.number} from {workspace.name}"
    body = f"Sent quote {quote.number} (version {quote.version}) to {address}."
    create_activity(
        principal,
        "email",
        {
            "deal_id": quote.deal_id,
            "subject": subject,
            "body": f"{body}\n\n{note}".strip(),
            "direction": "outbound",
            "occurred_at": now,
        },
    )
    enqueue_on_commit(SEND_JOB, quote.pk, quote.version, address, note)
    return quote
