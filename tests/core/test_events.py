"""Domain events: written with their change, dispatched to consumers once, in order per record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import transaction
from django.utils import timezone

from rapport.contacts.services import create_contact, delete_contact, update_contact
from rapport.core import dispatch, events
from rapport.core.errors import Invalid
from rapport.core.models import Lease, OutboxEvent
from tests.conftest import make_workspace, owner_principal

pytestmark = pytest.mark.django_db
FAILING: set[tuple[str, int]] = set()  # (consumer, object_id) pairs that raise


def _effect(consumer: str, event: events.Event) -> None:
    """A consumer's database effect: one row per delivery, so duplicates would show."""
    if (consumer, event.object_id) in FAILING:
        raise RuntimeError(f"{consumer} cannot take {event.name}")
    Lease.objects.create(
        name=f"{consumer}:{event.id}", holder=event.name, expires_at=event.occurred_at
    )


def first_consumer(event: events.Event) -> None:
    _effect("first", event)


def second_consumer(event: events.Event) -> None:
    _effect("second", event)


def crashing_consumer(event: events.Event) -> None:
    Lease.objects.create(name=f"crash:{event.id}", holder="", expires_at=event.occurred_at)
    raise SystemExit("the worker died")  # not an Exception: nothing catches it, like SIGKILL


@pytest.fixture
def consumers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(
        events,
        "CONSUMERS",
        {
            "first": "tests.core.test_events.first_consumer",
            "second": "tests.core.test_events.second_consumer",
        },
    )
    monkeypatch.setattr(dispatch, "CONSUMERS", events.CONSUMERS)
    FAILING.clear()
    yield
    FAILING.clear()


def deliveries(consumer: str) -> list[str]:
    rows = Lease.objects.filter(name__startswith=f"{consumer}:").order_by("name")
    return sorted((row.holder for row in rows), key=str)


def delivered_ids(consumer: str) -> list[int]:
    names = Lease.objects.filter(name__startswith=f"{consumer}:").values_list("name", flat=True)
    return sorted(int(name.split(":")[1]) for name in names)


def test_a_write_puts_its_event_in_the_outbox_with_the_changed_fields() -> None:
    owner = owner_principal(make_workspace())
    ada = create_contact(owner, {"first_name": "Ada", "job_title": "Analyst"})
    update_contact(owner, ada.pk, {"job_title": "Countess"})
    delete_contact(owner, ada.pk)
    rows = list(OutboxEvent.objects.filter(object_id=ada.pk).order_by("id"))
    assert [r.name for r in rows] == ["contact.created", "contact.updated", "contact.deleted"]
    assert rows[0].payload["record"]["first_name"] == "Ada"
    assert rows[1].payload == {"changes": {"job_title": ["Analyst", "Countess"]}}
    assert {r.workspace_id for r in rows} == {owner.workspace_id}
    assert {r.actor_user_id for r in rows} == {owner.user_id}
    assert all(r.dispatched_at is None and r.depth == 0 for r in rows)


def test_a_rejected_write_leaves_no_event() -> None:
    owner = owner_principal(make_workspace())
    ada = create_contact(owner, {"first_name": "Ada"})
    before = OutboxEvent.objects.count()
    with pytest.raises(Invalid):
        update_contact(owner, ada.pk, {"emails": [{"email": "not an email"}]})
    with pytest.raises(RuntimeError), transaction.atomic():
        update_contact(owner, ada.pk, {"job_title": "Countess"})
        raise RuntimeError("the request failed after the write")
    assert OutboxEvent.objects.count() == before


def test_emit_refuses_an_unregistered_event() -> None:
    owner = owner_principal(make_workspace())
    with pytest.raises(LookupError):
        events.emit(owner, "contact.teleported", "contact", 1, {})
    assert not OutboxEvent.objects.filter(name="contact.teleported").exists()


def test_each_consumer_gets_each_event_once_in_order(consumers: None) -> None:
    owner = owner_principal(make_workspace())
    ada = create_contact(owner, {"first_name": "Ada"})
    update_contact(owner, ada.pk, {"city": "London"})
    ids = list(OutboxEvent.objects.order_by("id").values_list("id", flat=True))

    assert dispatch.dispatch_events("worker-1") == len(ids)
    assert dispatch.dispatch_events("worker-1") == 0
    assert delivered_ids("first") == ids
    assert delivered_ids("second") == ids
    assert not OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
    assert deliveries("first") == ["contact.created", "contact.updated"]


def test_a_failing_consumer_is_retried_alone_and_holds_back_that_record(consumers: None) -> None:
    owner = owner_principal(make_workspace())
    ada = create_contact(owner, {"first_name": "Ada"})
    grace = create_contact(owner, {"first_name": "Grace"})
    update_contact(owner, ada.pk, {"city": "London"})
    FAILING.add(("second", ada.pk))
    now = timezone.now()

    assert dispatch.dispatch_events("w", now=now) == 1  # Grace's event only
    ada_created, ada_updated = OutboxEvent.objects.filter(object_id=ada.pk).order_by("id")
    assert ada_created.delivered_to == ["first"] and ada_created.attempts == 1
    assert "cannot take contact.created" in ada_created.last_error
    assert ada_updated.delivered_to == []  # waits behind the failed event of the same record
    assert dispatch.dispatch_events("w", now=now) == 0  # still backing off

    FAILING.clear()
    later = now + dt.timedelta(minutes=1)
    assert dispatch.has_pending_events(later)
    assert dispatch.dispatch_events("w", now=later) == 2
    assert delivered_ids("first") == delivered_ids("second")  # nobody got anything twice
    assert len(delivered_ids("first")) == 3
    assert OutboxEvent.objects.get(object_id=grace.pk).dispatched_at is not None


def test_an_event_that_keeps_failing_is_set_aside_with_its_error(consumers: None) -> None:
    owner = owner_principal(make_workspace())
    ada = create_contact(owner, {"first_name": "Ada"})
    FAILING.add(("first", ada.pk))
    now = timezone.now()
    for attempt in range(dispatch.MAX_ATTEMPTS):
        dispatch.dispatch_events("w", now=now + dt.timedelta(hours=attempt))
    row = OutboxEvent.objects.get(object_id=ada.pk)
    assert row.attempts == dispatch.MAX_ATTEMPTS
    assert row.dispatched_at is not None
    assert row.delivered_to == ["second"]
    assert "cannot take contact.created" in row.last_error


@pytest.mark.django_db(transaction=True)
def test_a_crash_mid_batch_applies_nothing_and_the_next_dispatch_delivers_once(
    consumers: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    owner = owner_principal(make_workspace())
    create_contact(owner, {"first_name": "Ada"})
    monkeypatch.setitem(events.CONSUMERS, "crash", "tests.core.test_events.crashing_consumer")
    with pytest.raises(SystemExit):
        dispatch.dispatch_events("doomed")
    assert deliveries("first") == [] and not Lease.objects.filter(name__startswith="crash:")
    assert OutboxEvent.objects.get().dispatched_at is None

    monkeypatch.delitem(events.CONSUMERS, "crash")
    Lease.objects.filter(name=dispatch.LEASE).update(expires_at=timezone.now())  # it expired
    assert dispatch.dispatch_events("survivor") == 1
    assert deliveries("first") == deliveries("second") == ["contact.created"]


def test_only_one_dispatcher_acts_at_a_time(consumers: None) -> None:
    owner = owner_principal(make_workspace())
    create_contact(owner, {"first_name": "Ada"})
    from rapport.core.leases import acquire_lease

    assert acquire_lease(dispatch.LEASE, "other-worker", dispatch.LEASE_TTL)
    assert dispatch.dispatch_events("w") == 0
    assert deliveries("first") == []


def test_workflow_depth_and_origin_travel_with_the_event() -> None:
    owner = owner_principal(make_workspace())
    from dataclasses import replace

    robot = replace(owner, extra={events.DEPTH_KEY: 2, events.WORKFLOW_KEY: 41, "label": "Bot"})
    ada = create_contact(robot, {"first_name": "Ada"})
    row = OutboxEvent.objects.get(object_id=ada.pk)
    assert (row.depth, row.workflow_id, row.actor_label) == (2, 41, "Bot")


def test_purge_drops_only_old_dispatched_events(consumers: None) -> None:
    owner = owner_principal(make_workspace())
    create_contact(owner, {"first_name": "Ada"})
    create_contact(owner, {"first_name": "Grace"})
    dispatch.dispatch_events("w")
    create_contact(owner, {"first_name": "Alan"})  # pending: never purged
    later = timezone.now() + dispatch.KEEP_DISPATCHED + dt.timedelta(minutes=1)
    assert dispatch.purge_dispatched_events(later) == 2
    assert list(OutboxEvent.objects.values_list("name", flat=True)) == ["contact.created"]


def test_docs_list_every_registered_event() -> None:
    docs = Path(__file__).resolve().parents[2] / "docs" / "events.md"
    assert docs.read_text() == events.events_markdown(), "run: rapport events > docs/events.md"
    assert {"contact.created", "contact.updated", "company.deleted"} <= set(events.EVENT_TYPES)
