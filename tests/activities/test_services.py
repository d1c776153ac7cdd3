"""Activity services: each kind's rules, the one-link rule, permissions, audit and completion."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.activities.models import Activity
from rapport.activities.services import (
    complete_task,
    create_activity,
    delete_activity,
    restore_activity,
    update_activity,
)
from rapport.core.errors import Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import make_member, make_user

pytestmark = pytest.mark.django_db


def _locs(exc: pytest.ExceptionInfo[Invalid]) -> list[tuple[str | int, ...]]:
    return [e.loc for e in exc.value.errors]


def _nothing_written(workspace) -> None:  # type: ignore[no-untyped-def]
    assert Activity.objects.filter(workspace=workspace).count() == 0
    assert AuditEntry.objects.filter(workspace=workspace, object_type="activity").count() == 0


def test_note_is_created_with_owner_defaulting_to_the_actor_and_audited(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(
        owner, "note", {"contact_id": contact.pk, "body": "Met at the fair", "occurred_at": at(0)}
    )
    stored = Activity.objects.get(pk=note.pk)
    assert (stored.kind, stored.contact_id, stored.company_id) == ("note", contact.pk, None)
    assert (stored.body, stored.occurred_at, stored.owner_id) == (
        "Met at the fair",
        at(0),
        owner.user_id,
    )
    assert stored.version == 1
    entry = AuditEntry.objects.get(object_type="activity", object_id=note.pk)
    assert (entry.action, entry.actor_user_id) == ("create", owner.user_id)
    assert entry.changes["body"] == "Met at the fair"
    assert entry.changes["contact_id"] == contact.pk


def test_note_without_body_is_refused_and_nothing_is_written(owner, workspace) -> None:
    contact = make_contact(workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(owner, "note", {"contact_id": contact.pk, "body": "  "})
    assert _locs(exc) == [("body",)]
    _nothing_written(workspace)


def test_call_needs_a_direction_and_a_non_negative_duration(owner, workspace) -> None:
    contact = make_contact(workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(
            owner,
            "call",
            {"contact_id": contact.pk, "direction": "sideways", "duration_seconds": -5},
        )
    assert _locs(exc) == [("direction",), ("duration_seconds",)]
    _nothing_written(workspace)
    call = create_activity(
        owner,
        "call",
        {
            "contact_id": contact.pk,
            "direction": "outbound",
            "duration_seconds": 95,
            "outcome": "voicemail",
        },
    )
    assert (call.direction, call.duration_seconds, call.outcome) == ("outbound", 95, "voicemail")


def test_meeting_must_end_after_it_starts_and_attendees_need_valid_emails(owner, workspace) -> None:
    company = make_company(workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(
            owner,
            "meeting",
            {
                "company_id": company.pk,
                "occurred_at": at(60),
                "ends_at": at(60),
                "attendees": [{"email": "not-an-email", "name": "X"}],
            },
        )
    assert _locs(exc) == [("ends_at",), ("attendees", 0, "email")]
    _nothing_written(workspace)


def test_meeting_attendees_are_lower_cased_and_deduplicated(owner, workspace) -> None:
    company = make_company(workspace)
    meeting = create_activity(
        owner,
        "meeting",
        {
            "company_id": company.pk,
            "occurred_at": at(0),
            "ends_at": at(30),
            "attendees": [
                {"email": "Grace@Navy.mil", "name": " Grace "},
                {"email": "grace@navy.mil", "name": "Dup"},
                {"email": "alan@bletchley.uk"},
            ],
        },
    )
    assert Activity.objects.get(pk=meeting.pk).attendees == [
        {"email": "grace@navy.mil", "name": "Grace"},
        {"email": "alan@bletchley.uk", "name": ""},
    ]


def test_logged_email_needs_a_subject(owner, workspace) -> None:
    contact = make_contact(workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(owner, "email", {"contact_id": contact.pk, "body": "hello"})
    assert _locs(exc) == [("subject",)]
    _nothing_written(workspace)


def test_fields_of_another_kind_are_refused(owner, workspace) -> None:
    contact = make_contact(workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(
            owner,
            "note",
            {"contact_id": contact.pk, "body": "x", "duration_seconds": 3, "due_at": at(0)},
        )
    assert _locs(exc) == [("due_at",), ("duration_seconds",)]
    _nothing_written(workspace)


def test_task_defaults_assignee_to_the_actor_and_priority_to_normal(owner, workspace) -> None:
    contact = make_contact(workspace)
    task = create_activity(
        owner, "task", {"contact_id": contact.pk, "subject": "Send deck", "due_at": at(90)}
    )
    assert (task.assignee_id, task.priority, task.due_at) == (owner.user_id, "normal", at(90))
    assert (task.is_done, task.done_at) == (False, None)


def test_task_assignee_must_be_an_active_member_of_the_workspace(
    owner, workspace, other_workspace
) -> None:
    contact = make_contact(workspace)
    stranger = make_user()
    outsider, _ = make_member(other_workspace)
    for user in (stranger, outsider):
        with pytest.raises(Invalid) as exc:
            create_activity(
                owner,
                "task",
                {"contact_id": contact.pk, "subject": "Call back", "assignee_id": user.pk},
            )
        assert _locs(exc) == [("assignee_id",)]
    _nothing_written(workspace)
    colleague, _ = make_member(workspace)
    task = create_activity(
        owner,
        "task",
        {
            "contact_id": contact.pk,
            "subject": "Call back",
            "assignee_id": colleague.pk,
            "priority": "high",
        },
    )
    assert (task.assignee_id, task.priority) == (colleague.pk, "high")


@pytest.mark.parametrize("link", [{}, "both"])
def test_exactly_one_of_contact_and_company_is_required(owner, workspace, link) -> None:
    fields: dict[str, object] = {"body": "x"}
    if link == "both":
        fields |= {
            "contact_id": make_contact(workspace).pk,
            "company_id": make_company(workspace).pk,
        }
    with pytest.raises(Invalid) as exc:
        create_activity(owner, "note", fields)
    assert _locs(exc) == [("contact_id",)]
    _nothing_written(workspace)


def test_a_contact_of_another_workspace_cannot_be_linked(owner, workspace, other_workspace) -> None:
    foreign = make_contact(other_workspace)
    with pytest.raises(Invalid) as exc:
        create_activity(owner, "note", {"contact_id": foreign.pk, "body": "x"})
    assert exc.value.errors[0].msg == f"Contact {foreign.pk} not found."
    _nothing_written(workspace)
    assert Activity.objects.count() == 0


def test_a_deleted_company_cannot_be_linked(owner, workspace) -> None:
    company = make_company(workspace, deleted_at=at(0))
    with pytest.raises(Invalid) as exc:
        create_activity(owner, "note", {"company_id": company.pk, "body": "x"})
    assert _locs(exc) == [("company_id",)]
    _nothing_written(workspace)


def test_read_only_role_cannot_create(workspace) -> None:
    _, reader = make_member(workspace, "read_only")
    contact = make_contact(workspace)
    with pytest.raises(Forbidden):
        create_activity(reader, "note", {"contact_id": contact.pk, "body": "x"})
    _nothing_written(workspace)


def test_update_bumps_version_and_audits_only_the_changed_fields(owner, workspace) -> None:
    contact, company = make_contact(workspace), make_company(workspace)
    call = create_activity(owner, "call", {"contact_id": contact.pk, "direction": "inbound"})
    updated = update_activity(
        owner, call.pk, {"outcome": "booked demo", "contact_id": None, "company_id": company.pk}, 1
    )
    assert (updated.version, updated.outcome, updated.contact_id, updated.company_id) == (
        2,
        "booked demo",
        None,
        company.pk,
    )
    entry = AuditEntry.objects.get(object_id=call.pk, action="update")
    assert entry.changes == {
        "company_id": [None, company.pk],
        "contact_id": [contact.pk, None],
        "outcome": ["", "booked demo"],
    }


def test_update_with_a_stale_version_changes_nothing(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "first"})
    update_activity(owner, note.pk, {"body": "second"}, 1)
    with pytest.raises(PreconditionFailed):
        update_activity(owner, note.pk, {"body": "third"}, 1)
    stored = Activity.objects.get(pk=note.pk)
    assert (stored.body, stored.version) == ("second", 2)
    assert AuditEntry.objects.filter(object_id=note.pk, action="update").count() == 1


def test_kind_cannot_change_and_other_kinds_fields_are_refused_on_update(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "x"})
    with pytest.raises(Invalid) as exc:
        update_activity(owner, note.pk, {"kind": "call"})
    assert _locs(exc) == [("kind",)]
    with pytest.raises(Invalid) as exc:
        update_activity(owner, note.pk, {"direction": "inbound"})
    assert _locs(exc) == [("direction",)]
    assert Activity.objects.get(pk=note.pk).version == 1


def test_sales_rep_cannot_edit_a_colleagues_activity(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "mine"})
    _, rep = make_member(workspace, "sales_rep")
    with pytest.raises(Forbidden):
        update_activity(rep, note.pk, {"body": "theirs"})
    assert Activity.objects.get(pk=note.pk).body == "mine"


def test_an_activity_of_another_workspace_is_not_found(owner, other_workspace) -> None:
    from tests.conftest import owner_principal

    foreign_owner = owner_principal(other_workspace)
    contact = make_contact(other_workspace)
    note = create_activity(foreign_owner, "note", {"contact_id": contact.pk, "body": "secret"})
    with pytest.raises(NotFound):
        update_activity(owner, note.pk, {"body": "leak"})
    assert Activity.objects.get(pk=note.pk).body == "secret"


def test_complete_task_sets_done_at_and_is_idempotent(owner, workspace) -> None:
    contact = make_contact(workspace)
    task = create_activity(owner, "task", {"contact_id": contact.pk, "subject": "Follow up"})
    before = dt.datetime.now(dt.UTC)
    done = complete_task(owner, task.pk, 1)
    assert (done.is_done, done.version) == (True, 2)
    assert done.done_at is not None and done.done_at >= before
    again = complete_task(owner, task.pk)
    assert (again.version, again.done_at) == (2, done.done_at)
    entry = AuditEntry.objects.get(object_id=task.pk, action="update")
    assert entry.changes == {"done_at": [None, done.done_at.isoformat()], "is_done": [False, True]}


def test_reopening_a_task_clears_done_at(owner, workspace) -> None:
    contact = make_contact(workspace)
    task = create_activity(owner, "task", {"contact_id": contact.pk, "subject": "Follow up"})
    complete_task(owner, task.pk)
    reopened = update_activity(owner, task.pk, {"is_done": False})
    assert (reopened.is_done, reopened.done_at, reopened.version) == (False, None, 3)


def test_only_a_task_can_be_completed(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "x"})
    with pytest.raises(Invalid) as exc:
        complete_task(owner, note.pk)
    assert _locs(exc) == [("kind",)]
    stored = Activity.objects.get(pk=note.pk)
    assert (stored.is_done, stored.done_at, stored.version) == (False, None, 1)


def test_delete_is_soft_and_restore_brings_it_back(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "x"})
    delete_activity(owner, note.pk)
    stored = Activity.objects.get(pk=note.pk)
    assert stored.deleted_at is not None and stored.version == 2
    with pytest.raises(NotFound):
        update_activity(owner, note.pk, {"body": "y"})
    restored = restore_activity(owner, note.pk)
    assert (restored.deleted_at, restored.version) == (None, 3)
    actions = list(
        AuditEntry.objects.filter(object_id=note.pk, object_type="activity")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["create", "delete", "restore"]


def test_restore_is_refused_once_the_restore_window_has_passed(owner, workspace) -> None:
    contact = make_contact(workspace)
    note = create_activity(owner, "note", {"contact_id": contact.pk, "body": "x"})
    delete_activity(owner, note.pk)
    long_ago = Activity.objects.get(pk=note.pk).deleted_at - dt.timedelta(days=31)
    Activity.objects.filter(pk=note.pk).update(deleted_at=long_ago)
    with pytest.raises(NotFound):
        restore_activity(owner, note.pk)
    stored = Activity.objects.get(pk=note.pk)
    assert (stored.deleted_at, stored.version) == (long_ago, 2)
    assert not AuditEntry.objects.filter(object_id=note.pk, action="restore").exists()
