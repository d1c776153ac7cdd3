"""Every write about quotes; re-exported so callers import from `rapport.quotes.services`."""

from rapport.quotes.services.decisions import (
    LinkState,
    accept_quote,
    clean_answer,
    decline_quote,
    expire_quotes,
    find_quote_by_link,
)
from rapport.quotes.services.quotes import (
    create_quote,
    lock_quote,
    next_number,
    revise_quote,
    send_quote,
)

__all__ = [
    "LinkState",
    "accept_quote",
    "clean_answer",
    "create_quote",
    "decline_quote",
    "expire_quotes",
    "find_quote_by_link",
    "lock_quote",
    "next_number",
    "revise_quote",
    "send_quote",
]
