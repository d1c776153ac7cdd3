"""Reads about notifications: a member's own list, the unread count, and the choices per kind.

Not `core.permissions.visible`: notifications and preferences are personal, like API tokens, so
no role grant covers them; a principal sees only its own user's rows in its own workspace.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal
from rapport.notifications.kinds import KINDS
from rapport.notifications.models import Notification, NotificationPreference
from rapport.workspaces.models import Membership

LIST_FILTERS = {
    "kind": FilterField("kind"),
    "object_type": FilterField("object_type"),
    "object_id": FilterField("object_id", "id"),
    "created_at": FilterField("created_at", "datetime"),
    "read_at": FilterField("read_at", "datetime"),
}
LIST_SORTS = {"id", "created_at"}
DEFAULT_SORT = "-id"  # newest first
UNREAD_CAP = 1000  # the unread count stops here, like list totals


@dataclass(frozen=True)
class Preference:
    """A member's choice for one kind: stored, or the kind's default."""

    kind: str
    label: str
    in_app: bool
    by_email: bool


def own_notifications(principal: Principal) -> QuerySet[Notification]:
    """The principal's own notifications in its workspace (none for a system principal)."""
    if principal.user_id is None:
        return Notification.objects.none()
    return Notification.objects.filter(
        workspace_id=principal.workspace_id, user_id=principal.user_id
    )


def list_notifications(
    principal: Principal, params: ListParams, unread: bool = False
) -> Page[Notification]:
    """Newest first by default; `unread` keeps those not read yet."""
    qs = own_notifications(principal).filter(filters_q(LIST_FILTERS, params.filter))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    keys = parse_sort(params.sort, LIST_SORTS, DEFAULT_SORT)
    return keyset_page(qs, keys, params.limit, params.cursor)


def count_unread(principal: Principal) -> tuple[int, bool]:
    """(count, is_capped): how many are unread, counted up to UNREAD_CAP."""
    unread = own_notifications(principal).filter(read_at__isnull=True).order_by()
    count = unread[: UNREAD_CAP + 1].count()
    return min(count, UNREAD_CAP), count > UNREAD_CAP


def active_member_ids(workspace_id: int, user_ids: Iterable[int]) -> set[int]:
    """Which of `user_ids` are active members (active seat, active login) of the workspace."""
    seats = Membership.objects.filter(
        workspace_id=workspace_id, user_id__in=list(user_ids), is_active=True, user__is_active=True
    )
    return set(seats.values_list("user_id", flat=True))


def preferences_for(
    workspace_id: int, user_ids: Iterable[int], kind: str
) -> dict[int, tuple[bool, bool]]:
    """{user_id: (in_app, by_email)} for one kind: each user's saved choice or the default."""
    ids = list(user_ids)
    default = KINDS[kind]
    chosen = {
        user_id: (in_app, by_email)
        for user_id, in_app, by_email in NotificationPreference.objects.filter(
            workspace_id=workspace_id, user_id__in=ids, kind=kind
        ).values_list("user_id", "in_app", "by_email")
    }
    return {i: chosen.get(i, (default.in_app, default.by_email)) for i in ids}


def list_preferences(principal: Principal) -> list[Preference]:
    """Every kind, in registry order, with the principal's choice (or the default)."""
    rows = NotificationPreference.objects.filter(workspace_id=principal.workspace_id)
    own = rows.filter(user_id=principal.user_id) if principal.user_id is not None else rows.none()
    stored = {row.kind: row for row in own}
    prefs = []
    for kind in KINDS.values():
        row = stored.get(kind.key)
        in_app, by_email = (row.in_app, row.by_email) if row else (kind.in_app, kind.by_email)
        prefs.append(Preference(kind.key, kind.label, in_app, by_email))
    return prefs


def get_notification(principal: Principal, notification_id: int) -> Notification:
    notification = own_notifications(principal).filter(pk=notification_id).first()
    if notification is None:
        raise NotFound(f"Notification {notification_id} not found.")
    return notification
