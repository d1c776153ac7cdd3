"""Notifying members as they chose, reading notifications, choices per kind, task reminders."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.activities.models import Activity
from rapport.activities.services import complete_task, delete_activity, update_activity
from rapport.core.errors import Invalid, NotFound
from rapport.core.models import AuditEntry
from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.queries import count_unread, list_preferences
from rapport.notifications.services import (
    email_notification,
    mark_all_read,
    mark_read,
    notify,
    remind_due_tasks,
    set_preferences,
)
from rapport.workspaces.models import User
from rapport.workspaces.services import add_member, deactivate_member
from tests.conftest import owner_principal
from tests.notifications.factories import (
    NOW,
    make_grace,
    make_note,
    make_person,
    make_task,
    notify_one,
)

pytestmark = pytest.mark.django_db

MINUTE = dt.timedelta(minutes=1)


def _unread(user: User) -> list[str]:
    rows = Notification.objects.filter(user=user, read_at__isnull=True).order_by("id")
    return list(rows.values_list("title", flat=True))


# --- notify -------------------------------------------------------------------------------------


def test_notify_writes_one_per_member_and_never_to_the_actor(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    cy, _ = make_person(workspace, "Cy Rep")
    grace = make_grace(ada_p)
    title = "Ada Admin assigned you Contact Grace Hopper"
    ids = [ada.pk, bob.pk, cy.pk, bob.pk, None]

    assert notify(ada_p, ids, "assigned", title, "", "contact", grace.pk) == 2

    rows = Notification.objects.order_by("user_id").values_list(
        "user_id", "workspace_id", "kind", "title", "url", "actor_label", "read_at"
    )
    url = f"/contacts/{grace.pk}"
    assert list(rows) == [
        (bob.pk, workspace.pk, "assigned", title, url, "Ada Admin", None),
        (cy.pk, workspace.pk, "assigned", title, url, "Ada Admin", None),
    ]


def test_notify_skips_deactivated_inactive_and_foreign_users(
    workspace, other_workspace, owner
) -> None:
    gone, _ = make_person(workspace, "Gone Member")
    deactivate_member(owner, gone.pk)
    locked, _ = make_person(workspace, "Locked Login")
    User.objects.filter(pk=locked.pk).update(is_active=False)
    stranger, _ = make_person(other_workspace, "Stranger Elsewhere")
    stays, _ = make_person(workspace, "Stays Here")

    ids = [gone.pk, locked.pk, stranger.pk, stays.pk, 10**12]
    assert notify(owner, ids, "workflow", "A workflow says hi") == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [stays.pk]


def test_an_unknown_kind_is_invalid_and_writes_nothing(workspace, owner) -> None:
    bob, _ = make_person(workspace, "Bob Rep")
    with pytest.raises(Invalid) as exc:
        notify(owner, [bob.pk], "birthday", "Happy birthday")
    assert exc.value.errors[0].loc == ("kind",)
    assert not Notification.objects.exists()


def test_urls_lead_to_the_record_or_the_activitys_record(workspace, owner) -> None:
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(owner)
    note = make_note(owner, grace, "A note")
    notify_one(owner, bob, object_type="contact", object_id=grace.pk)
    notify_one(owner, bob, object_type="company", object_id=7)
    notify_one(owner, bob, object_type="activity", object_id=note.pk)
    notify_one(owner, bob, object_type="activity", object_id=10**12)  # gone: My tasks
    notify_one(owner, bob)
    urls = Notification.objects.order_by("id").values_list("url", flat=True)
    assert list(urls) == [
        f"/contacts/{grace.pk}",
        "/companies/7",
        f"/contacts/{grace.pk}",
        "/tasks",
        "",
    ]


def test_each_member_gets_a_kind_in_the_app_and_by_email_as_they_chose(
    workspace, owner, smtp_server, immediate_jobs, django_capture_on_commit_callbacks, settings
) -> None:
    settings.BASE_URL = "https://crm.example.com"
    both, _ = make_person(workspace, "Both Ways")  # "mentioned" defaults to app and email
    email_only, p = make_person(workspace, "Email Only")
    set_preferences(p, {"mentioned": {"in_app": False}})
    app_only, p = make_person(workspace, "App Only")
    set_preferences(p, {"mentioned": {"by_email": False}})
    silent, p = make_person(workspace, "Quiet Person")
    set_preferences(p, {"mentioned": {"in_app": False, "by_email": False}})
    grace = make_grace(owner)
    everyone = [both.pk, email_only.pk, app_only.pk, silent.pk]

    with django_capture_on_commit_callbacks(execute=True):
        written = notify(
            owner, everyone, "mentioned", "Ada mentioned you", "Ping", "contact", grace.pk
        )

    assert written == 2
    assert set(Notification.objects.values_list("user_id", flat=True)) == {both.pk, app_only.pk}
    messages = smtp_server.wait_for(2)
    assert sorted(m["To"] for m in messages) == sorted([both.email, email_only.email])
    assert len(smtp_server.wait_for(3, timeout=0.3)) == 2
    message = messages[0]
    assert message["Subject"] == "Ada mentioned you"
    assert "Ping" in smtp_server.body(message)
    assert smtp_server.links(message) == [
        f"https://crm.example.com/contacts/{grace.pk}",
        "https://crm.example.com/settings/notifications",
    ]


def test_a_kind_off_by_email_by_default_sends_no_email(
    workspace, owner, smtp_server, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    bob, _ = make_person(workspace, "Bob Rep")
    with django_capture_on_commit_callbacks(execute=True):
        assert notify_one(owner, bob, kind="assigned") == 1
    assert smtp_server.wait_for(1, timeout=0.3) == []


def test_the_email_job_sends_nothing_once_the_member_left_or_opted_out(
    workspace, owner, smtp_server
) -> None:
    bob, bob_p = make_person(workspace, "Bob Rep")
    cy, _ = make_person(workspace, "Cy Rep")
    set_preferences(bob_p, {"task_due": {"by_email": False}})
    deactivate_member(owner, cy.pk)
    assert not email_notification(workspace.pk, bob.pk, "task_due", "Due", "", "/tasks")
    assert not email_notification(workspace.pk, cy.pk, "task_due", "Due", "", "/tasks")
    assert smtp_server.wait_for(1, timeout=0.3) == []


# --- Reading ------------------------------------------------------------------------------------


def test_mark_read_marks_only_the_named_ones_and_counts_the_unread_it_marked(
    workspace, owner
) -> None:
    bob, bob_p = make_person(workspace, "Bob Rep")
    for title in ("one", "two", "three"):
        notify_one(owner, bob, title)
    one, two, _ = Notification.objects.order_by("id")
    assert count_unread(bob_p) == (3, False)

    assert mark_read(bob_p, [one.pk, two.pk]) == 2
    assert mark_read(bob_p, [one.pk]) == 0  # already read
    assert _unread(bob) == ["three"]
    assert mark_all_read(bob_p) == 1
    assert _unread(bob) == [] and count_unread(bob_p) == (0, False)


def test_another_users_or_workspaces_notification_is_not_found_and_nothing_changes(
    workspace, other_workspace, owner
) -> None:
    bob, bob_p = make_person(workspace, "Bob Rep")
    cy, _ = make_person(workspace, "Cy Rep")
    notify(owner, [bob.pk, cy.pk], "workflow", "here")
    add_member(owner_principal(other_workspace), bob, "sales_rep")
    notify(owner_principal(other_workspace), [bob.pk], "workflow", "elsewhere")
    bobs = Notification.objects.get(user=bob, workspace=workspace)
    cys = Notification.objects.get(user=cy)
    elsewhere = Notification.objects.get(workspace=other_workspace)

    with pytest.raises(NotFound):
        mark_read(bob_p, [bobs.pk, cys.pk])
    with pytest.raises(NotFound):
        mark_read(bob_p, [elsewhere.pk])
    assert Notification.objects.filter(read_at__isnull=False).count() == 0

    assert mark_all_read(bob_p) == 1
    assert _unread(cy) == ["here"] and _unread(bob) == ["elsewhere"]


def test_mark_read_needs_some_ids(workspace) -> None:
    _, bob_p = make_person(workspace, "Bob Rep")
    with pytest.raises(Invalid) as exc:
        mark_read(bob_p, [])
    assert exc.value.errors[0].loc == ("ids",)


# --- Preferences --------------------------------------------------------------------------------


def test_preferences_start_at_the_defaults_and_change_only_what_is_named(workspace) -> None:
    bob, bob_p = make_person(workspace, "Bob Rep")
    _, cy_p = make_person(workspace, "Cy Rep")
    defaults = [
        ("assigned", True, False),
        ("mentioned", True, True),
        ("task_due", True, True),
        ("workflow_failed", True, True),
        ("workflow", True, False),
        ("quote", True, True),
    ]
    assert [(p.kind, p.in_app, p.by_email) for p in list_preferences(bob_p)] == defaults

    set_preferences(bob_p, {"assigned": {"by_email": True}, "workflow": {"in_app": False}})

    mine = [(p.kind, p.in_app, p.by_email) for p in list_preferences(bob_p)]
    assert mine == [
        ("assigned", True, True),
        *defaults[1:4],
        ("workflow", False, False),
        defaults[5],
    ]
    assert [(p.kind, p.in_app, p.by_email) for p in list_preferences(cy_p)] == defaults
    entry = AuditEntry.objects.get(object_type="notification_preference")
    assert (entry.actor_user_id, entry.changes) == (
        bob.pk,
        {"assigned": {"by_email": [False, True]}, "workflow": {"in_app": [True, False]}},
    )


def test_bad_preferences_are_invalid_field_by_field_and_change_nothing(workspace) -> None:
    _, bob_p = make_person(workspace, "Bob Rep")
    choices = {
        "assigned": {"in_app": False},
        "birthday": {"in_app": True},
        "mentioned": {"in_app": "yes"},
        "workflow": {"sms": True},
    }
    with pytest.raises(Invalid) as exc:
        set_preferences(bob_p, choices)  # type: ignore[arg-type]
    locs = [e.loc for e in exc.value.errors]
    assert locs == [("birthday",), ("mentioned", "in_app"), ("workflow",)]
    assert not NotificationPreference.objects.exists()
    assert not AuditEntry.objects.filter(object_type="notification_preference").exists()


# --- Task reminders -----------------------------------------------------------------------------


def test_due_tasks_are_reminded_once_when_due_within_15_minutes_of_now(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p)
    soon = make_task(ada_p, grace, NOW + 15 * MINUTE, assignee_id=bob.pk, subject="Call Grace")
    make_task(ada_p, grace, NOW + 16 * MINUTE, assignee_id=bob.pk, subject="Later")
    make_task(ada_p, grace, NOW - dt.timedelta(days=1), assignee_id=None, subject="Overdue")
    make_task(ada_p, grace, NOW - dt.timedelta(days=4), subject="Long forgotten")  # too late
    done = make_task(ada_p, grace, NOW - MINUTE, subject="Done")
    complete_task(ada_p, done.pk)
    deleted = make_task(ada_p, grace, NOW - MINUTE, subject="Deleted")
    delete_activity(ada_p, deleted.pk)
    make_note(ada_p, grace, "Not a task")

    assert remind_due_tasks(NOW) == 2
    rows = Notification.objects.values_list(
        "user_id", "kind", "title", "body", "url", "actor_label"
    )
    url = f"/contacts/{grace.pk}"
    assert sorted(rows) == sorted(
        [
            (
                bob.pk,
                "task_due",
                "Task due: Call Grace",
                "Due 2026-05-04 09:15 (UTC)",
                url,
                "Rapport",
            ),
            (ada.pk, "task_due", "Task due: Overdue", "Due 2026-05-03 09:00 (UTC)", url, "Rapport"),
        ]
    )
    assert Activity.objects.get(pk=soon.pk).reminded_at == NOW
    assert remind_due_tasks(NOW) == 0
    assert remind_due_tasks(NOW + MINUTE) == 1
    assert sorted(Notification.objects.values_list("title", flat=True)) == [
        "Task due: Call Grace",
        "Task due: Later",
        "Task due: Overdue",
    ]


def test_a_new_due_time_makes_a_reminded_task_due_again(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    task = make_task(ada_p, make_grace(ada_p), NOW, assignee_id=ada.pk)
    assert remind_due_tasks(NOW) == 1

    update_activity(ada_p, task.pk, {"subject": "Send the signed contract"})
    assert Activity.objects.get(pk=task.pk).reminded_at == NOW
    update_activity(ada_p, task.pk, {"due_at": NOW + dt.timedelta(hours=2)})
    assert Activity.objects.get(pk=task.pk).reminded_at is None

    assert remind_due_tasks(NOW) == 0
    assert remind_due_tasks(NOW + dt.timedelta(hours=2)) == 1
    assert Notification.objects.filter(user=ada, kind="task_due").count() == 2
