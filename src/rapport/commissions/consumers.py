"""The commissions consumer of domain events: keeps statements true as deals and quotas change.

Registered with rapport.core.events (apps.py) and called by the dispatcher inside its
transaction, at least once per event; recalculation is idempotent, so a second delivery changes
nothing. The deal is read as it is at delivery (later events of it follow in order), and the
payload's before-values name the months a change of owner or close date left.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef

from rapport.commissions.models import CommissionStatement
from rapport.commissions.services import recalculate, recalculate_for_deal
from rapport.core.events import Event
from rapport.forecasts.models import Quota

DEAL_FIELDS = {"amount", "currency", "owner_id", "closed_on", "stage_id", "pipeline_id",
               "line_items", "deleted_at"}  # fmt: skip
DEAL_EVENTS = {"deal.stage_changed", "deal.deleted", "deal.restored", "deal.erased"}


def _date(raw: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None


def _before(event: Event) -> tuple[int | None, dt.date | None]:
    """The owner and close date the deal had before this update (None: unchanged)."""
    changes = event.payload.get("changes") or {}
    owner = (changes.get("owner_id") or [None])[0]
    return (owner if isinstance(owner, int) else None), _date(
        (changes.get("closed_on") or [None])[0]
    )


def _on_deal(event: Event) -> None:
    if event.name == "deal.updated":
        changes = event.payload.get("changes") or {}
        if not DEAL_FIELDS & set(changes):
            return
    recalculate_for_deal(event.workspace_id, event.object_id, *_before(event))


def _on_quota(event: Event) -> None:
    """A quota moves attainment: recalculate its rep's month (a deleted quota's month is found
    as the open statement that still counts one)."""
    quota = Quota.objects.filter(workspace_id=event.workspace_id, pk=event.object_id).first()
    if quota is not None:
        recalculate(event.workspace_id, quota.user_id, quota.month)
        return
    quota_left = Quota.objects.filter(
        workspace_id=event.workspace_id, user_id=OuterRef("user_id"), month=OuterRef("month")
    )
    keys = set(
        CommissionStatement.objects.filter(
            workspace_id=event.workspace_id, status="open", quota__isnull=False
        )
        .filter(~Exists(quota_left))
        .values_list("user_id", "month")
    )
    for user_id, month in sorted(keys):
        recalculate(event.workspace_id, user_id, month)


def handle_event(event: Event) -> None:
    """Recalculate after `deal.*` changes that move money and after `quota.*`; ignore the rest."""
    if event.name in DEAL_EVENTS or event.name == "deal.updated":
        _on_deal(event)
    elif event.object_type == "quota":
        _on_quota(event)
