"""The event consumer: assignments and mentions, once per event however often it is delivered."""

from __future__ import annotations

import pytest
from django.utils.module_loading import import_string

from rapport.activities.services import delete_activity, update_activity
from rapport.companies.services import create_company
from rapport.contacts.services import delete_contact, update_contact
from rapport.core.dispatch import dispatch_events
from rapport.core.events import CONSUMERS, Event
from rapport.core.models import OutboxEvent
from rapport.core.scheduler import SCHEDULES
from rapport.notifications.consumers import handle_event
from rapport.notifications.models import Notification
from tests.notifications.factories import (
    NOW,
    make_event,
    make_grace,
    make_note,
    make_person,
    make_task,
)

pytestmark = pytest.mark.django_db


def _rows() -> list[tuple[object, ...]]:
    rows = Notification.objects.order_by("id").values_list("user_id", "kind", "title", "url")
    return list(rows)


def test_the_consumer_and_the_reminder_are_registered() -> None:
    assert import_string(CONSUMERS["notifications"]) is handle_event
    reminder = SCHEDULES["remind-due-tasks"]
    assert reminder.path == "rapport.notifications.services.remind_due_tasks"
    assert import_string(reminder.path).__name__ == "remind_due_tasks"


def test_a_new_owner_is_told_once_however_often_the_event_comes(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p)
    event = make_event("contact.updated", grace, ada, {"changes": {"owner_id": [ada.pk, bob.pk]}})

    handle_event(event)
    handle_event(event)

    title = "Ada Admin assigned you Contact Grace Hopper"
    assert _rows() == [(bob.pk, "assigned", title, f"/contacts/{grace.pk}")]
    assert Notification.objects.get().event_id == event.id


def test_a_record_created_for_someone_else_tells_them_but_not_the_creator(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    engines = create_company(ada_p, {"name": "Analytical Engines", "owner_id": bob.pk})
    mine = make_grace(ada_p)

    handle_event(make_event("company.created", engines, ada, {"record": {"owner_id": bob.pk}}))
    handle_event(make_event("contact.created", mine, ada, {"record": {"owner_id": ada.pk}}))

    title = "Ada Admin assigned you Company Analytical Engines"
    assert _rows() == [(bob.pk, "assigned", title, f"/companies/{engines.pk}")]


def test_a_task_handed_to_a_new_assignee_tells_them(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p)
    task = make_task(ada_p, grace, NOW, assignee_id=ada.pk)
    changes = {"assignee_id": [ada.pk, bob.pk], "subject": ["a", "Send the contract"]}

    handle_event(make_event("activity.updated", task, ada, {"changes": changes}))

    title = "Ada Admin assigned you Task Send the contract"
    assert _rows() == [(bob.pk, "assigned", title, f"/contacts/{grace.pk}")]


def test_a_note_handed_to_a_new_owner_is_named_by_its_number(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    note = make_note(ada_p, make_grace(ada_p), "No subject here")
    changes = {"owner_id": [ada.pk, bob.pk]}
    handle_event(make_event("activity.updated", note, ada, {"changes": changes}))
    assert [row[2] for row in _rows()] == [f"Ada Admin assigned you Note #{note.pk}"]


def test_other_changes_events_and_deleted_records_notify_nobody(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p)
    gone = make_grace(ada_p, first_name="Gone")
    delete_contact(ada_p, gone.pk)
    to_bob = {"owner_id": [ada.pk, bob.pk]}

    handle_event(make_event("contact.updated", grace, ada, {"changes": {"city": ["", "Paris"]}}))
    handle_event(make_event("contact.deleted", grace, ada, {"record": {"owner_id": bob.pk}}))
    handle_event(make_event("contact.updated", gone, ada, {"changes": to_bob}))
    handle_event(
        make_event("contact.updated", grace, ada, {"changes": {"owner_id": [bob.pk, None]}})
    )
    tag_event = make_event("tag.created", grace, ada, {"record": {"owner_id": bob.pk}})
    handle_event(tag_event)

    assert _rows() == []


def test_a_note_tells_those_it_mentions_once_and_an_edit_only_the_new_ones(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    cy, _ = make_person(workspace, "Cy Rep")
    grace = make_grace(ada_p)
    note = make_note(ada_p, grace, "@Bob Rep please call")
    record = {"kind": "note", "owner_id": ada.pk, "body": note.body}
    created = make_event("activity.created", note, ada, {"record": record})

    handle_event(created)
    handle_event(created)
    new_body = "@Bob Rep and @Cy Rep please call"
    update_activity(ada_p, note.pk, {"body": new_body})
    changes = {"body": [note.body, new_body]}
    handle_event(make_event("activity.updated", note, ada, {"changes": changes}))

    title, url = "Ada Admin mentioned you in a note", f"/contacts/{grace.pk}"
    assert _rows() == [(bob.pk, "mentioned", title, url), (cy.pk, "mentioned", title, url)]


def test_a_deleted_note_mentions_nobody(workspace) -> None:
    ada, ada_p = make_person(workspace, "Ada Admin", "admin")
    make_person(workspace, "Bob Rep")
    note = make_note(ada_p, make_grace(ada_p), "@Bob Rep please call")
    delete_activity(ada_p, note.pk)
    handle_event(make_event("activity.created", note, ada, {"record": {"body": note.body}}))
    assert _rows() == []


def test_the_events_services_write_carry_what_the_consumer_reads(workspace) -> None:
    """Payloads as the services emit them (not made by hand), handed over as the dispatcher does."""
    _, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p)
    update_contact(ada_p, grace.pk, {"owner_id": bob.pk})
    make_note(ada_p, grace, "@Bob Rep see the new owner")

    for row in OutboxEvent.objects.order_by("id"):
        handle_event(Event.from_row(row))

    url = f"/contacts/{grace.pk}"
    assert _rows() == [
        (bob.pk, "assigned", "Ada Admin assigned you Contact Grace Hopper", url),
        (bob.pk, "mentioned", "Ada Admin mentioned you in a note", url),
    ]


def test_the_dispatcher_delivers_events_to_the_consumer(workspace) -> None:
    _, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    grace = make_grace(ada_p, owner_id=bob.pk)

    assert dispatch_events("tests") >= 1
    dispatch_events("tests")

    title = "Ada Admin assigned you Contact Grace Hopper"
    assert _rows() == [(bob.pk, "assigned", title, f"/contacts/{grace.pk}")]
