"""Checking a sign-in, with throttling of repeated failures per email and per client address.

Failures are counted in fixed windows (core.ratelimit) of LOGIN_THROTTLE_WINDOW_SECONDS. Past
LOGIN_THROTTLE_FAILURES in a window every attempt for that email or address is refused, even a
correct one, until the window ends: there is no permanent lockout. A success clears the email's
count (not the address's, which may be shared by an attacker trying many emails).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import authenticate

from rapport.core import ratelimit
from rapport.core.errors import Invalid, RateLimited
from rapport.workspaces.models import User

WRONG_CREDENTIALS = "The email or password is not correct."


def _buckets(email: str, client_ip: str) -> list[str]:
    return [f"sign-in:email:{email}", f"sign-in:ip:{client_ip}"]


def _seconds_left(window: int) -> int:
    # The same fixed windows as core.ratelimit: they end at multiples of `window`.
    return window - int(time.time()) % window or 1


def check_sign_in(email: str, password: str, client_ip: str) -> User:
    """The user for these credentials; Invalid when wrong, RateLimited when throttled."""
    email = email.strip().lower()
    limit, window = settings.LOGIN_THROTTLE_FAILURES, settings.LOGIN_THROTTLE_WINDOW_SECONDS
    buckets = _buckets(email, client_ip)
    if any(ratelimit.count(b, window) >= limit for b in buckets):
        raise RateLimited(
            "Too many failed sign-ins. Wait a few minutes and try again.",
            retry_after=_seconds_left(window),
        )
    user = authenticate(None, username=email, password=password)
    if not isinstance(user, User):
        for bucket in buckets:
            ratelimit.hit(bucket, limit, window)
        raise Invalid.on("password", WRONG_CREDENTIALS)
    ratelimit.reset(buckets[0], window)
    return user
