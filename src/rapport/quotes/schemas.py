"""Request and response shapes of /api/v1/quotes."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.quotes.models import Quote

QuoteStatus = Literal["draft", "sent", "accepted", "declined", "expired", "superseded"]


class QuoteWrite(Schema):
    """Creating or revising a quote: both optional (30 days from today and no terms, or the
    revised quote's own)."""

    model_config = ConfigDict(extra="forbid")

    valid_until: dt.date | None = Field(None, description="The last day it can be accepted.")
    terms: str | None = None


class QuoteSend(Schema):
    model_config = ConfigDict(extra="forbid")

    to: str | None = Field(None, description="Default: the deal's primary contact's email.")
    message: str | None = Field(None, description="A note above the quote in the email.")


class QuoteRead(Schema):
    id: int
    deal_id: int
    number: str
    version: int = Field(description="The quote version: 1, then one more per revision.")
    status: QuoteStatus
    currency: str
    valid_until: dt.date
    terms: str
    subtotal: str = Field(description="The sum of the lines' nets, before tax.")
    tax: str
    total: str
    offer: dict[str, Any] = Field(description="The frozen copy of what is offered.")
    created_at: dt.datetime
    created_by_id: int | None
    sent_at: dt.datetime | None
    sent_by_id: int | None
    sent_to: str
    decided_at: dt.datetime | None
    decision: str
    decision_name: str
    decision_email: str
    decision_comment: str
    decision_ip: str | None
    link: str | None = Field(
        description="The customer's accept/decline link while the quote is sent; only to those "
        "who may edit the deal."
    )


PLAIN = (
    "deal_id",
    "number",
    "version",
    "status",
    "currency",
    "valid_until",
    "terms",
    "offer",
    "created_at",
    "created_by_id",
    "sent_at",
    "sent_by_id",
    "sent_to",
    "decided_at",
    "decision",
    "decision_name",
    "decision_email",
    "decision_comment",
    "decision_ip",
)


def quote_body(quote: Quote, link: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {"id": quote.pk, **{name: getattr(quote, name) for name in PLAIN}}
    body |= {"subtotal": str(quote.subtotal), "tax": str(quote.tax), "total": str(quote.total)}
    return body | {"link": link}
