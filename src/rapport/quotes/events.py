"""The domain events of quotes beyond quote.created: sent, accepted, declined and expired."""

from __future__ import annotations

from pydantic import BaseModel, Field

from rapport.core.events import EventType, emit, register_event_type
from rapport.core.permissions import Principal
from rapport.quotes.models import Quote

SENT = "quote.sent"
ACCEPTED = "quote.accepted"
DECLINED = "quote.declined"
EXPIRED = "quote.expired"


class QuoteFacts(BaseModel):
    """What every quote event says about the quote."""

    deal_id: int = Field(description="The deal the quote is for.")
    number: str = Field(description="The quote's number, e.g. Q-2026-0007.")
    version: int = Field(description="Its version (1, 2 ...).")
    total: str = Field(description="Its total with tax, in `currency`.")
    currency: str = Field(description="Three-letter currency code.")


class QuoteSent(QuoteFacts):
    """quote.sent: the quote was emailed to the customer with its link."""

    to: str = Field(description="The address it was sent to.")


class QuoteDecided(QuoteFacts):
    """quote.accepted / quote.declined: the customer answered through the link."""

    name: str = Field(description="The name the customer gave.")
    email: str = Field(description="The email the customer gave (may be empty).")
    comment: str = Field(description="The customer's comment (may be empty).")


class QuoteExpired(QuoteFacts):
    """quote.expired: it was not answered by its last valid day."""

    valid_until: str = Field(description="Its last valid day.")


def register_quote_events() -> None:
    for name, description, payload in (
        (SENT, "A quote was emailed to the customer.", QuoteSent),
        (
            ACCEPTED,
            "The customer accepted a quote through its link (the deal is won).",
            QuoteDecided,
        ),
        (DECLINED, "The customer declined a quote through its link.", QuoteDecided),
        (EXPIRED, "A sent quote passed its last valid day unanswered.", QuoteExpired),
    ):
        register_event_type(EventType(name, "quote", description, payload))


def emit_quote_event(principal: Principal, event: str, quote: Quote, **extra: str) -> None:
    facts = {
        "deal_id": quote.deal_id,
        "number": quote.number,
        "version": quote.version,
        "total": str(quote.total),
        "currency": quote.currency,
    }
    emit(principal, event, "quote", quote.pk, facts | extra)
