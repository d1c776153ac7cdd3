"""Leases: named locks with an expiry, so that one of several workers acts at a time.

Taking a lease is one conditional UPDATE (free, expired, or already ours), which is atomic on
SQLite and PostgreSQL alike and holds no transaction open while the holder works.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from rapport.core.models import Lease


def acquire_lease(
    name: str, holder: str, ttl: dt.timedelta, now: dt.datetime | None = None
) -> bool:
    """Take (or renew) the lease for `ttl`; False while another holder's lease runs."""
    now = now or timezone.now()
    if not Lease.objects.filter(name=name).exists():
        try:
            with transaction.atomic():
                Lease.objects.create(name=name, holder="", expires_at=now)
        except IntegrityError:
            pass  # another worker created it first
    taken = (
        Lease.objects.filter(name=name)
        .filter(Q(holder=holder) | Q(expires_at__lte=now))
        .update(holder=holder, expires_at=now + ttl)
    )
    return taken == 1


def release_lease(name: str, holder: str) -> None:
    """Give the lease up now, if it is still ours."""
    Lease.objects.filter(name=name, holder=holder).update(holder="", expires_at=timezone.now())
