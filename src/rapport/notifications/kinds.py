"""The notification kinds: the one registry of what Rapport notifies about, with defaults.

A member's NotificationPreference row overrides a kind's defaults; without a row the defaults
apply. Adding a kind needs no migration (the kind is stored as text).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class NotificationKind:
    """One kind: its key (stored on notifications), what the settings page calls it, defaults."""

    key: str
    label: str
    in_app: bool = True
    by_email: bool = False


KINDS: dict[str, NotificationKind] = {
    kind.key: kind
    for kind in (
        NotificationKind("assigned", "A record was assigned to me"),
        NotificationKind("mentioned", "Someone mentioned me in a note", by_email=True),
        NotificationKind("task_due", "A task of mine is due", by_email=True),
        NotificationKind("workflow_failed", "A workflow I own failed or was paused", by_email=True),
        NotificationKind("workflow", "A workflow notified me"),
        NotificationKind("quote", "A customer accepted or declined my quote", by_email=True),
    )
}
