"""The public link of a quote version: `/q/<token>`, no sign-in.

The token is `django.core.signing.dumps` of the quote's id, version and random nonce under a
salt of its own, so it cannot be forged or edited without SECRET_KEY (rotating the key voids
every link). It carries no expiry of its own: the quote's `valid_until` in the database decides,
so the link ends exactly when the quote does, and so do revising (a new version has a new
nonce), deciding and deleting the deal.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core import signing

SALT = "rapport.quotes.link"


def new_nonce() -> str:
    return secrets.token_urlsafe(12)


def make_token(quote_id: int, version: int, nonce: str) -> str:
    return signing.dumps({"q": quote_id, "v": version, "n": nonce}, salt=SALT, compress=True)


def link_url(token: str) -> str:
    return f"{settings.BASE_URL}/q/{token}"


@dataclass(frozen=True)
class LinkClaim:
    """What a genuine token names (the quote still has to be found and still be open)."""

    quote_id: int
    version: int
    nonce: str


def read_token(token: str) -> LinkClaim | None:
    """The token's claim, or None when it was tampered with or is not one of ours."""
    try:
        data: Any = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    quote_id, version, nonce = data.get("q"), data.get("v"), data.get("n")
    if not (isinstance(quote_id, int) and isinstance(version, int) and isinstance(nonce, str)):
        return None
    return LinkClaim(quote_id, version, nonce)
