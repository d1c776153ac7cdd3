"""The engine's hand-offs: runs started by the dispatcher run at once in its thread, outside
calls go to a job, one worker at a time holds a run, and lost runs are found again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.automation import engine
from rapport.automation.models import WorkflowRun
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.dispatch import dispatch_events
from tests.automation.conftest import active_workflow, contact_trigger

pytestmark = pytest.mark.django_db
TAG = {"id": "tag", "type": "add_tag", "tag": "seen"}


def test_the_dispatcher_runs_new_runs_itself_and_leaves_outside_calls_to_a_job(
    owner, settings, django_capture_on_commit_callbacks
) -> None:
    settings.WORKFLOW_ALLOW_PRIVATE_URLS = True
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        TAG, {"id": "call", "type": "http_post", "url": "http://127.0.0.1:9/hook"},
    ]})  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        dispatch_events("dispatcher")
    run = WorkflowRun.objects.get()
    assert list(Contact.objects.get(pk=ada.pk).tags.values_list("name", flat=True)) == ["seen"]
    assert (run.status, run.cursor, run.claim) == ("queued", "call", "")  # handed to a job
    assert len(callbacks) >= 2  # the inline run, then the job's enqueue


def test_one_worker_at_a_time_holds_a_run(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [TAG]})
    create_contact(owner, {"first_name": "Ada"})
    dispatch_events("dispatcher")
    run = WorkflowRun.objects.get()
    now = timezone.now()
    assert engine._claim(run.pk, now, "worker-a") is not None
    assert engine._claim(run.pk, now, "worker-b") is None  # A holds it
    assert engine._held(run.pk, "worker-b") is None
    later = now + dt.timedelta(seconds=engine.settings.WORKFLOW_STALL_SECONDS + 1)
    assert engine._claim(run.pk, later, "worker-b") is not None  # A went silent: B takes over
    assert engine._held(run.pk, "worker-a") is None  # and A may not go on
    assert engine.execute_run(run.pk, later) == ""  # a new execution waits for B's lease


def test_a_queued_run_nobody_took_is_sent_again(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [TAG]})
    create_contact(owner, {"first_name": "Ada"})
    dispatch_events("dispatcher")  # in a test no commit happens: nobody runs it
    run = WorkflowRun.objects.get()
    assert run.status == "queued"
    assert engine.wake_runs(run.wake_at + dt.timedelta(minutes=1)) == 0  # not lost yet
    assert engine.wake_runs(run.wake_at + engine.REQUEUE_AFTER + dt.timedelta(seconds=1)) == 1
    assert engine.execute_run(run.pk) == "succeeded"
