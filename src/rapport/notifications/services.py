"""Writes about notifications: notifying members, reading them, each member's choices per kind.

`notify` is the one way a notification is made: services, the event consumer (consumers.py),
the task reminder below and automation all call it. It skips the acting user and anyone who is
no active member, writes an in-app notification for those who want the kind in the app, and
enqueues one email for those who want it by email. Notifications and preferences are personal
(like API tokens): every member has them without a role grant, and only ever sees or changes
their own; another user's or workspace's id is NotFound.

Notifications are not audited (each follows from an audited change, and the audit log would
double in size); a change of preferences is, as one entry about the object type.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.core.audit import record_event
from rapport.core.errors import FieldError, Forbidden, Invalid, NotFound
from rapport.core.jobs import enqueue_on_commit
from rapport.core.permissions import Principal, can, system_principal
from rapport.notifications.kinds import KINDS
from rapport.notifications.mentions import mentioned_user_ids
from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.queries import (
    Preference,
    active_member_ids,
    list_preferences,
    own_notifications,
    preferences_for,
)
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.queries import principal_for

SEND_EMAIL_JOB = "rapport.notifications.jobs.send_notification_email"
MAX_IDS = 200  # ids one mark-read call takes
REMIND_BEFORE = dt.timedelta(minutes=15)  # a task is reminded this long before it is due
REMIND_BATCH = 500  # tasks per reminder run; the next run (a minute later) takes the rest
# A task that came due while reminders were not running (downtime, an import of old tasks) is
# still reminded if it is at most this late; older ones show as overdue in My tasks instead of
# arriving as a flood of stale reminders.
REMIND_CATCH_UP = dt.timedelta(days=3)
SETTINGS_URL = "/settings/notifications"
# The page of each object type a notification can link to; an activity links to its record's.
RECORD_PAGES = {
    "contact": "/contacts/{id}",
    "company": "/companies/{id}",
    "deal": "/deals/{id}",
    "ticket": "/tickets/id/{id}",
    "workflow": "/workflows/{id}",
}


def _clip(text: str, size: int) -> str:
    """One line of at most `size` characters, cut with an ellipsis."""
    line = " ".join(text.split())
    return line if len(line) <= size else line[: size - 1].rstrip() + "…"


def actor_label(principal: Principal) -> str:
    """Who acted, as a notification names them; work of the system is "Rapport"."""
    label = str(principal.extra.get("label", ""))
    return label if label and label != "system" else "Rapport"


def record_url(workspace_id: int, object_type: str, object_id: int | None) -> str:
    """The page of the record a notification is about ("" when there is none)."""
    if object_id is None:
        return ""
    if object_type in RECORD_PAGES:
        return RECORD_PAGES[object_type].format(id=object_id)
    if object_type == "activity":
        links = Activity.objects.filter(workspace_id=workspace_id, pk=object_id)
        row = links.values_list("contact_id", "company_id", "deal_id").first()
        contact_id, company_id, deal_id = row or (None, None, None)
        if contact_id is not None:
            return f"/contacts/{contact_id}"
        if deal_id is not None:
            return f"/deals/{deal_id}"
        return f"/companies/{company_id}" if company_id is not None else "/tasks"
    return ""


# --- Notifying ----------------------------------------------------------------------------------


def _recipients(
    principal: Principal, user_ids: Iterable[int | None], kind: str, event_id: int | None
) -> list[int]:
    """Active members other than the actor; for an event, those it did not notify already."""
    wanted = {i for i in user_ids if isinstance(i, int)} - {principal.user_id}
    ids = active_member_ids(principal.workspace_id, wanted)
    if event_id is not None:
        done = Notification.objects.filter(event_id=event_id, kind=kind, user_id__in=ids)
        ids -= set(done.values_list("user_id", flat=True))
    return sorted(ids)


@transaction.atomic
def notify(
    principal: Principal,
    user_ids: Iterable[int | None],
    kind: str,
    title: str,
    body: str = "",
    object_type: str = "",
    object_id: int | None = None,
    *,
    event_id: int | None = None,
) -> int:
    """Notify members as each chose for `kind`; the number of in-app notifications written.

    `event_id` names the domain event being handled, so handling it again notifies nobody twice.
    """
    if kind not in KINDS:
        raise Invalid.on("kind", f"Unknown notification kind {kind!r}.")
    recipients = _recipients(principal, user_ids, kind, event_id)
    choices = preferences_for(principal.workspace_id, recipients, kind)
    title, body = _clip(title, 200), _clip(body, 500)
    url = record_url(principal.workspace_id, object_type, object_id)
    fields = {
        "workspace_id": principal.workspace_id,
        "kind": kind,
        "title": title,
        "body": body,
        "object_type": object_type,
        "object_id": object_id,
        "url": url,
        "actor_label": actor_label(principal)[:200],
        "event_id": event_id,
    }
    rows = [Notification(user_id=i, **fields) for i in recipients if choices[i][0]]
    Notification.objects.bulk_create(rows, ignore_conflicts=event_id is not None)
    for user_id in (i for i in recipients if choices[i][1]):
        enqueue_on_commit(SEND_EMAIL_JOB, principal.workspace_id, user_id, kind, title, body, url)
    return len(rows)


def email_notification(
    workspace_id: int, user_id: int, kind: str, title: str, body: str, url: str
) -> bool:
    """Send one notification email (run by a job); False, nothing sent, if no longer wanted."""
    if kind not in KINDS or user_id not in active_member_ids(workspace_id, [user_id]):
        return False
    if not preferences_for(workspace_id, [user_id], kind)[user_id][1]:
        return False
    user = User.objects.get(pk=user_id)
    context = {
        "workspace": Workspace.objects.get(pk=workspace_id).name,
        "title": title,
        "body": body,
        "link": f"{settings.BASE_URL}{url}" if url else "",
        "settings_link": f"{settings.BASE_URL}{SETTINGS_URL}",
    }
    subject = render_to_string("notifications/emails/notification_subject.txt", context)
    text = render_to_string("notifications/emails/notification.txt", context)
    send_mail(" ".join(subject.split()), text, settings.DEFAULT_FROM_EMAIL, [user.email])
    return True


# --- Reading them -------------------------------------------------------------------------------


def _require_member_writer(principal: Principal) -> int:
    """The acting user's id; only a user has notifications, and a read-only token changes none."""
    if principal.user_id is None:
        raise Invalid.on("user", "Only a user has notifications.")
    if principal.token_id is not None and not principal.token_can_write:
        raise Forbidden("A read-only token cannot change notifications.")
    return principal.user_id


@transaction.atomic
def mark_read(principal: Principal, notification_ids: Iterable[int]) -> int:
    """Mark some of your notifications read; how many were unread. One foreign id: nothing."""
    _require_member_writer(principal)
    ids = set(notification_ids)
    if not ids or len(ids) > MAX_IDS:
        raise Invalid.on("ids", f"Name 1 to {MAX_IDS} notifications.")
    own = own_notifications(principal).filter(pk__in=ids)
    missing = ids - set(own.values_list("pk", flat=True))
    if missing:
        raise NotFound(f"Notification {min(missing)} not found.")
    return own.filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def mark_all_read(principal: Principal) -> int:
    """Mark every one of your notifications read; how many were unread."""
    _require_member_writer(principal)
    unread = own_notifications(principal).filter(read_at__isnull=True)
    return unread.update(read_at=timezone.now())


# --- Preferences --------------------------------------------------------------------------------


def _clean_choices(choices: Any) -> dict[str, dict[str, bool]]:
    if not isinstance(choices, Mapping):
        raise Invalid.on("preferences", "Preferences are {kind: {in_app, by_email}}.")
    problems: list[FieldError] = []
    for kind, choice in choices.items():
        if kind not in KINDS:
            problems.append(FieldError((str(kind),), f"Unknown notification kind {kind!r}."))
        elif not isinstance(choice, Mapping) or set(choice) - {"in_app", "by_email"}:
            problems.append(FieldError((kind,), "A choice is {in_app, by_email}."))
        else:
            problems += [
                FieldError((kind, name), f"{name} is true or false.")
                for name, value in choice.items()
                if not isinstance(value, bool)
            ]
    if problems:
        raise Invalid("Some notification preferences are not valid.", problems)
    return {kind: dict(choice) for kind, choice in choices.items()}


@transaction.atomic
def set_preferences(
    principal: Principal, choices: Mapping[str, Mapping[str, bool]]
) -> list[Preference]:
    """Set your choices for the kinds named (others keep theirs); your choices for every kind."""
    user_id = _require_member_writer(principal)
    cleaned = _clean_choices(choices)
    current = {p.kind: p for p in list_preferences(principal)}
    changes: dict[str, dict[str, list[bool]]] = {}
    for kind, choice in cleaned.items():
        before = current[kind]
        after = {"in_app": before.in_app, "by_email": before.by_email} | choice
        NotificationPreference.objects.update_or_create(
            workspace_id=principal.workspace_id,
            user_id=user_id,
            kind=kind,
            defaults=after,
        )
        changed = {k: [getattr(before, k), v] for k, v in after.items() if getattr(before, k) != v}
        if changed:
            changes[kind] = changed
    if changes:
        record_event(principal, "update", "notification_preference", changes)
    return list_preferences(principal)


# --- Mentions and task reminders ----------------------------------------------------------------


def _who_may_view(workspace_id: int, user_ids: list[int], activity: Activity) -> list[int]:
    """Those of `user_ids` whose role lets them see the activity (a mention shows its text)."""
    users = User.objects.in_bulk(user_ids)
    allowed = []
    for user_id in user_ids:
        try:
            member = principal_for(users[user_id], workspace_id)
        except (KeyError, NotFound):
            continue
        if can(member, "view", "activity", activity):
            allowed.append(user_id)
    return allowed


def notify_mentions(
    principal: Principal,
    activity: Activity,
    *,
    previous_body: str = "",
    event_id: int | None = None,
) -> int:
    """Notify the members an activity's body mentions (not those `previous_body` mentioned).

    Only members who may view the activity are told, since the notification quotes it.
    """
    workspace_id = activity.workspace_id
    ids = mentioned_user_ids(workspace_id, activity.body)
    if previous_body:
        before = set(mentioned_user_ids(workspace_id, previous_body))
        ids = [i for i in ids if i not in before]
    ids = _who_may_view(workspace_id, [i for i in ids if i != principal.user_id], activity)
    article = "an" if activity.kind[0] in "aeiou" else "a"
    title = f"{actor_label(principal)} mentioned you in {article} {activity.kind}"
    return notify(
        principal, ids, "mentioned", title, activity.body, "activity", activity.pk,
        event_id=event_id,
    )  # fmt: skip


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def _remind(task: Activity) -> None:
    zone = _zone(task.workspace.time_zone)
    due_at = timezone.localtime(task.due_at, zone) if task.due_at else None
    body = f"Due {due_at:%Y-%m-%d %H:%M} ({zone.key})" if due_at else ""
    recipient = task.assignee_id or task.owner_id
    principal = system_principal(task.workspace_id)
    notify(principal, [recipient], "task_due", f"Task due: {task}", body, "activity", task.pk)


def remind_due_tasks(now: dt.datetime) -> int:
    """Remind the assignee (or else the owner) of each open task due by `now` + 15 minutes
    (and not more than REMIND_CATCH_UP ago).

    System work across every workspace, run by the scheduler with its clock. Each task is
    marked reminded (`reminded_at`, bookkeeping that is neither versioned nor audited) in the
    transaction of its notification, claimed with a conditional update, so a second run, or a
    second scheduler, reminds nobody twice. Changing a task's due time makes it due again.
    """
    due = (
        Activity.objects.filter(
            kind="task",
            is_done=False,
            deleted_at__isnull=True,
            reminded_at__isnull=True,
            due_at__lte=now + REMIND_BEFORE,
            due_at__gt=now - REMIND_CATCH_UP,
        )
        .select_related("workspace")
        .order_by("due_at", "id")[:REMIND_BATCH]
    )
    reminded = 0
    for task in due:
        with transaction.atomic():
            claimed = Activity.objects.filter(pk=task.pk, reminded_at__isnull=True)
            if claimed.update(reminded_at=now):
                _remind(task)
                reminded += 1
    return reminded
