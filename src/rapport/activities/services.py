"""Every write to activities: create, update, soft delete, restore, completing a task, and the
list's bulk actions (each one write per activity, all or nothing).

Each function authorises with `require` on object type "activity", validates the merged state
(`kinds.clean_fields` plus the link and membership rules here), writes, and records the change
in the audit log, all inside one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from rapport.activities.kinds import (
    COMMON_FIELDS,
    KIND_DEFAULTS,
    KIND_FIELDS,
    check_kind,
    check_known_fields,
    clean_attendees,
    clean_fields,
)
from rapport.activities.models import Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.audit import diff, record_change
from rapport.core.errors import Invalid, NotFound
from rapport.core.lifecycle import check_version, move_to_bin, restore_from_bin
from rapport.core.permissions import Principal, can, require, visible
from rapport.core.tenancy import Record
from rapport.deals.models import Deal
from rapport.workspaces.queries import find_membership

OBJECT_TYPE = "activity"
LINKS: dict[str, type[Record]] = {"contact_id": Contact, "company_id": Company, "deal_id": Deal}
# The fields the audit log snapshots on create, delete and restore.
SNAPSHOT_FIELDS = ("kind", *sorted(COMMON_FIELDS), *sorted(KIND_DEFAULTS), "done_at")


def _snapshot(activity: Activity) -> dict[str, Any]:
    return {name: getattr(activity, name) for name in SNAPSHOT_FIELDS}


def _defaults(principal: Principal, kind: str) -> dict[str, Any]:
    defaults: dict[str, Any] = {"occurred_at": timezone.now(), "owner_id": principal.user_id}
    if kind == "task":
        defaults |= {"assignee_id": principal.user_id, "priority": "normal"}
    return defaults


def _check_link(principal: Principal, state: Mapping[str, Any]) -> None:
    """Exactly one of contact, company and deal, a live record the principal can view."""
    if sum(state.get(name) is not None for name in LINKS) != 1:
        raise Invalid.on("contact_id", "Link the activity to exactly one contact, company or deal.")
    for name, model in LINKS.items():
        record_id = state.get(name)
        if record_id is None:
            continue
        records = visible(principal, model._default_manager.all(), model.OBJECT_TYPE)
        if not records.filter(pk=record_id).exists():
            raise Invalid.on(name, f"{model.OBJECT_TYPE.title()} {record_id} not found.")


def _check_member(principal: Principal, name: str, user_id: object) -> None:
    if user_id is None:
        return
    if not isinstance(user_id, int) or find_membership(user_id, principal.workspace_id) is None:
        raise Invalid.on(name, f"User {user_id} is not an active member of this workspace.")


def _validate(principal: Principal, kind: str, state: Mapping[str, Any], changed: set[str]) -> None:
    clean_fields(kind, state)
    if changed & set(LINKS):
        _check_link(principal, state)
    for name in ("owner_id", "assignee_id"):
        if name in changed:
            _check_member(principal, name, state.get(name))


def _stored(kind: str, state: Mapping[str, Any], was_done: bool) -> dict[str, Any]:
    """The model field values for the merged state; other kinds' fields are reset."""
    values = {name: state.get(name) for name in COMMON_FIELDS}
    values["subject"] = (values["subject"] or "").strip()
    values["body"] = values["body"] or ""
    for name, default in KIND_DEFAULTS.items():
        keep = name in KIND_FIELDS[kind] and state.get(name) is not None
        values[name] = state[name] if keep else default
    values["attendees"] = clean_attendees(values["attendees"])[0]
    if kind == "task" and values["is_done"] != was_done:
        values["done_at"] = timezone.now() if values["is_done"] else None
    return values


def _locked(principal: Principal, activity_id: int, deleted: bool = False) -> Activity:
    """The activity, row-locked; NotFound unless the principal can view it."""
    activity = (
        Activity.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=activity_id, deleted_at__isnull=not deleted)
        .first()
    )
    if activity is None or not can(principal, "view", OBJECT_TYPE, activity):
        raise NotFound(f"Activity {activity_id} not found.")
    return activity


def create_activity(principal: Principal, kind: str, fields: Mapping[str, Any]) -> Activity:
    """Create a note, call, meeting, email or task; the owner defaults to the acting user."""
    require(principal, "create", OBJECT_TYPE)
    kind = check_kind(kind)
    check_known_fields(kind, fields)
    state = {**_defaults(principal, kind), **fields}
    _validate(principal, kind, state, set(state) | {"contact_id"})
    activity = Activity(
        workspace_id=principal.workspace_id, kind=kind, **_stored(kind, state, was_done=False)
    )
    require(principal, "create", OBJECT_TYPE, activity)
    with transaction.atomic():
        activity.save()
        record_change(principal, "create", OBJECT_TYPE, activity, _snapshot(activity))
    return activity


def update_activity(
    principal: Principal,
    activity_id: int,
    changes: Mapping[str, Any],
    expected_version: int | None = None,
) -> Activity:
    """Change some fields; the kind is fixed. A no-op change neither bumps nor audits."""
    with transaction.atomic():
        activity = _locked(principal, activity_id)
        require(principal, "edit", OBJECT_TYPE, activity)
        check_version(activity, expected_version)
        if "kind" in changes:
            raise Invalid.on("kind", "The kind of an activity cannot change.")
        check_known_fields(activity.kind, changes)
        before = _snapshot(activity)
        state = {**before, **changes}
        _validate(principal, activity.kind, state, set(changes))
        stored = _stored(activity.kind, state, activity.is_done)
        changed = diff(before, {**before, **stored})
        if not changed:
            return activity
        activity.bump(**stored)
        if "due_at" in changed:
            activity.reminded_at = None  # due at a new time: remind again
        # Handing the activity to someone outside the editor's scope is refused too.
        require(principal, "edit", OBJECT_TYPE, activity)
        activity.save()
        record_change(principal, "update", OBJECT_TYPE, activity, changed)
    return activity


def complete_task(
    principal: Principal, activity_id: int, expected_version: int | None = None
) -> Activity:
    """Mark a task done now; completing a done task changes nothing."""
    with transaction.atomic():
        activity = _locked(principal, activity_id)
        require(principal, "edit", OBJECT_TYPE, activity)
        check_version(activity, expected_version)
        if activity.kind != "task":
            raise Invalid.on("kind", f"Only a task can be completed, not a {activity.kind}.")
        if activity.is_done:
            return activity
        before = {"is_done": False, "done_at": None}
        activity.bump(is_done=True, done_at=timezone.now())
        activity.save()
        after = {"is_done": True, "done_at": activity.done_at}
        record_change(principal, "update", OBJECT_TYPE, activity, diff(before, after))
    return activity


def delete_activity(
    principal: Principal, activity_id: int, expected_version: int | None = None
) -> Activity:
    """Soft-delete: the activity leaves lists and timelines until it is restored."""
    with transaction.atomic():
        activity = _locked(principal, activity_id)
        require(principal, "delete", OBJECT_TYPE, activity)
        check_version(activity, expected_version)
        move_to_bin(principal, activity, _snapshot)
    return activity


def restore_activity(principal: Principal, activity_id: int) -> Activity:
    """Undo a soft delete within the restore window; whoever may delete it may restore it."""
    with transaction.atomic():
        activity = _locked(principal, activity_id, deleted=True)
        restore_from_bin(principal, activity)
    return activity


# --- Bulk actions: the same write on each selected activity, all or none ------------------------


def _refuse_other_kinds(principal: Principal, activity_ids: list[int], verb: str) -> None:
    """Refuse a selection holding anything but tasks before any of it changes."""
    others = list(
        visible(principal, Activity.objects.all(), OBJECT_TYPE)
        .filter(pk__in=activity_ids)
        .exclude(kind="task")
        .values_list("kind", flat=True)
    )
    if others:
        which = "activity" if len(others) == 1 else "activities"
        raise Invalid.on(
            "kind",
            f"Only tasks can be {verb}; deselect the {len(others)} other {which} "
            f"({', '.join(sorted(set(others)))}).",
        )


@transaction.atomic
def bulk_update_activities(
    principal: Principal, activity_ids: list[int], changes: Mapping[str, Any]
) -> int:
    """The same change on each activity (one refused activity changes nothing)."""
    for activity_id in activity_ids:
        update_activity(principal, activity_id, dict(changes))
    return len(activity_ids)


@transaction.atomic
def bulk_complete_tasks(principal: Principal, activity_ids: list[int]) -> int:
    """Mark each task done; a selection that holds a call, note... changes nothing."""
    _refuse_other_kinds(principal, activity_ids, "marked done")
    for activity_id in activity_ids:
        complete_task(principal, activity_id)
    return len(activity_ids)


@transaction.atomic
def bulk_reopen_tasks(principal: Principal, activity_ids: list[int]) -> int:
    """Make each task open again; a selection that holds a call, note... changes nothing."""
    _refuse_other_kinds(principal, activity_ids, "reopened")
    for activity_id in activity_ids:
        update_activity(principal, activity_id, {"is_done": False})
    return len(activity_ids)


@transaction.atomic
def bulk_delete_activities(principal: Principal, activity_ids: list[int]) -> int:
    """Move each activity to the restore bin."""
    for activity_id in activity_ids:
        delete_activity(principal, activity_id)
    return len(activity_ids)
