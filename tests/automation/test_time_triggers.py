"""Time-based triggers with a controllable clock: dates, no activity, recurring schedules."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.activities.services import create_activity
from rapport.automation.models import Workflow, WorkflowRun
from rapport.automation.time_triggers import fire_time_triggers
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.customfields.services import create_custom_field
from rapport.workspaces.models import Workspace
from tests.automation.conftest import active_workflow, drive

pytestmark = pytest.mark.django_db
TAG = [{"id": "t", "type": "add_tag", "tag": "due"}]


def _started(workflow: Workflow) -> list[int]:
    return sorted(WorkflowRun.objects.filter(workflow=workflow).values_list("object_id", flat=True))


def _checked_from(workflow: Workflow, moment: dt.datetime) -> None:
    Workflow.objects.filter(pk=workflow.pk).update(checked_until=moment)


def test_on_birthday_at_nine_in_the_workspace_time_zone_once_a_year(owner) -> None:
    Workspace.objects.filter(pk=owner.workspace_id).update(time_zone="Europe/London")
    flow = active_workflow(owner, {
        "trigger": {"type": "date", "object_type": "contact", "field": "birthday",
                    "at": "09:00", "every_year": True},
        "steps": TAG,
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "birthday": "1815-12-10"})
    create_contact(owner, {"first_name": "Bob", "birthday": "1815-12-11"})
    morning = dt.datetime(2026, 12, 10, 8, 59, tzinfo=dt.UTC)  # 08:59 in London (GMT)
    _checked_from(flow, morning - dt.timedelta(minutes=1))
    assert fire_time_triggers(morning) == 0
    assert fire_time_triggers(morning + dt.timedelta(minutes=2)) == 1
    assert fire_time_triggers(morning + dt.timedelta(minutes=3)) == 0  # not twice
    drive(morning + dt.timedelta(minutes=3))
    assert _started(flow) == [ada.pk]
    assert list(Contact.objects.get(pk=ada.pk).tags.values_list("name", flat=True)) == ["due"]


def test_thirty_days_before_a_custom_date_and_caught_up_after_downtime(owner) -> None:
    create_custom_field(owner, object_type="contact", key="renewal_on", label="Renewal",
                        field_type="date")  # fmt: skip
    flow = active_workflow(owner, {
        "trigger": {"type": "date", "object_type": "contact", "field": "custom.renewal_on",
                    "offset_days": -30, "at": "10:00"},
        "steps": TAG,
    })  # fmt: skip
    soon = create_contact(owner, {"first_name": "Soon", "custom": {"renewal_on": "2026-07-01"}})
    create_contact(owner, {"first_name": "Later", "custom": {"renewal_on": "2026-08-01"}})
    # The scheduler was down from May 30 to June 3; June 1 10:00 UTC fell in between.
    _checked_from(flow, dt.datetime(2026, 5, 30, tzinfo=dt.UTC))
    back = dt.datetime(2026, 6, 3, 12, 0, tzinfo=dt.UTC)
    assert fire_time_triggers(back) == 1
    assert fire_time_triggers(back + dt.timedelta(minutes=1)) == 0
    assert _started(flow) == [soon.pk]
    run = WorkflowRun.objects.get(workflow=flow)
    assert run.trigger == {"type": "date", "field": "custom.renewal_on", "date": "2026-07-01"}


def test_no_activity_for_n_days_fires_once_per_quiet_spell(owner) -> None:
    t0 = dt.datetime(2026, 3, 1, 12, 0, tzinfo=dt.UTC)
    quiet = create_contact(owner, {"first_name": "Quiet"})
    busy = create_contact(owner, {"first_name": "Busy"})
    Contact.objects.filter(pk__in=[quiet.pk, busy.pk]).update(created_at=t0 - dt.timedelta(days=40))
    create_activity(
        owner,
        "note",
        {"contact_id": busy.pk, "body": "Hi", "occurred_at": t0 - dt.timedelta(days=2)},
    )
    flow = active_workflow(owner, {
        "trigger": {"type": "no_activity", "object_type": "contact", "days": 14}, "steps": TAG,
    })  # fmt: skip
    assert fire_time_triggers(t0) == 1
    assert fire_time_triggers(t0 + dt.timedelta(hours=1)) == 0
    assert _started(flow) == [quiet.pk]
    # Busy falls quiet too, fourteen days after its last note.
    assert fire_time_triggers(t0 + dt.timedelta(days=12, hours=1)) == 1
    assert _started(flow) == sorted([quiet.pk, busy.pk])


def test_a_weekday_schedule_runs_matching_records_and_catches_up_once(owner) -> None:
    flow = active_workflow(owner, {
        "trigger": {"type": "schedule", "object_type": "contact", "weekdays": [0, 1, 2, 3, 4],
                    "at": "09:00"},
        "conditions": {"field": "lifecycle_stage", "op": "eq", "value": "lead"},
        "steps": TAG,
    })  # fmt: skip
    lead = create_contact(owner, {"first_name": "Lead", "lifecycle_stage": "lead"})
    create_contact(owner, {"first_name": "Customer", "lifecycle_stage": "customer"})
    friday = dt.datetime(2026, 6, 5, 8, 0, tzinfo=dt.UTC)
    _checked_from(flow, friday)
    assert fire_time_triggers(friday + dt.timedelta(minutes=30)) == 0
    # Down from Friday 08:30 to Tuesday 10:00: Friday, Monday and Tuesday 09:00 were missed.
    tuesday = dt.datetime(2026, 6, 9, 10, 0, tzinfo=dt.UTC)
    assert fire_time_triggers(tuesday) == 1
    run = WorkflowRun.objects.get(workflow=flow)
    assert run.object_id == lead.pk and run.trigger["at"] == "2026-06-09T09:00:00+00:00"
    saturday = dt.datetime(2026, 6, 13, 10, 0, tzinfo=dt.UTC)
    _checked_from(flow, saturday - dt.timedelta(hours=2))
    assert fire_time_triggers(saturday) == 0  # not a weekday
