"""Steps that reach outside (a signed POST, an email) and inbound hooks; manual runs, dry runs,
versions, retries by hand."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from rapport.activities.models import Activity
from rapport.automation import outbound
from rapport.automation.engine import MAX_ATTEMPTS, execute_run, wake_runs
from rapport.automation.models import RunStep, WorkflowRun
from rapport.automation.services import (
    retry_run,
    run_workflow_on,
    update_workflow,
)
from rapport.automation.services import (
    test_workflow as dry_run,
)
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.errors import Invalid
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.emailtemplates.services import create_email_template
from tests.automation.conftest import active_workflow, contact_trigger, drive

pytestmark = pytest.mark.django_db


class Receiver(BaseHTTPRequestHandler):
    requests: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.requests.append({"headers": dict(self.headers), "body": body})
        self.send_response(Receiver.status)
        if Receiver.status in (301, 302):
            self.send_header("Location", "http://example.com/")
        self.end_headers()
        self.wfile.write(b"thanks")

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver(settings: Any) -> Iterator[str]:
    settings.WORKFLOW_ALLOW_PRIVATE_URLS = True  # the test server listens on loopback
    Receiver.requests, Receiver.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/in"
    server.shutdown()


def post_step(url: str) -> list[dict[str, Any]]:
    return [{"id": "call", "type": "http_post", "url": url, "timeout_seconds": 5}]


def test_http_post_sends_signed_json_about_the_record(owner, receiver) -> None:
    flow = active_workflow(owner, {"trigger": contact_trigger(), "steps": post_step(receiver)})
    ada = create_contact(owner, {"first_name": "Ada", "job_title": "Countess"})
    drive()
    (request,) = Receiver.requests
    body = json.loads(request["body"])
    assert body["record"]["id"] == ada.pk and body["record"]["job_title"] == "Countess"
    assert body["workflow"] == {"id": flow.pk, "name": "Flow"}
    stamp, signature = (
        p.split("=", 1)[1] for p in request["headers"]["Rapport-Signature"].split(",")
    )
    expected = hmac.new(
        flow.hook_secret.encode(), f"{stamp}.".encode() + request["body"], hashlib.sha256
    )
    assert hmac.compare_digest(signature, expected.hexdigest())
    run = WorkflowRun.objects.get()
    assert request["headers"]["Idempotency-Key"] == f"run-{run.pk}-step-call"
    assert run.steps.get().output == {"status": 200, "body": "thanks"}


def test_private_addresses_and_redirects_are_refused(owner, receiver, settings) -> None:
    for url in ("http://127.0.0.1/x", "http://10.0.0.8/x", "http://[::1]/x", "http://localhost/x"):
        settings.WORKFLOW_ALLOW_PRIVATE_URLS = False
        with pytest.raises(outbound.Refused):
            outbound.check_url(url)
    with pytest.raises(Invalid) as refused:
        active_workflow(
            owner, {"trigger": contact_trigger(), "steps": post_step("http://192.168.1.5/")}
        )
    assert refused.value.errors[0].loc == ("definition", "steps", 0, "url")
    settings.WORKFLOW_ALLOW_PRIVATE_URLS = True
    Receiver.status = 302
    active_workflow(owner, {"trigger": contact_trigger(), "steps": post_step(receiver)})
    create_contact(owner, {"first_name": "Ada"})
    drive()
    run = WorkflowRun.objects.get()
    assert run.status == "failed" and "redirects are not followed" in run.error
    assert len(Receiver.requests) == 1  # permanent: no retry


def test_a_server_error_is_retried_with_backoff_then_fails_and_can_be_retried_by_hand(
    owner, receiver
) -> None:
    Receiver.status = 503
    active_workflow(owner, {"trigger": contact_trigger(), "steps": post_step(receiver)})
    create_contact(owner, {"first_name": "Ada"})
    t0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
    drive(t0)
    run = WorkflowRun.objects.get()
    assert (run.status, run.wake_at) == ("retrying", t0 + dt.timedelta(seconds=30))
    now = t0
    for _ in range(MAX_ATTEMPTS - 1):
        run.refresh_from_db()
        now = run.wake_at
        wake_runs(now)
        execute_run(run.pk, now)
    run.refresh_from_db()
    assert run.status == "failed" and "503" in run.error
    assert RunStep.objects.filter(run=run, status="failed").count() == MAX_ATTEMPTS
    Receiver.status = 200
    retry_run(owner, run.pk)
    execute_run(run.pk, now)
    run.refresh_from_db()
    assert run.status == "succeeded" and len(Receiver.requests) == MAX_ATTEMPTS + 1


def test_send_email_renders_the_template_and_logs_it_on_the_timeline(
    owner, smtp_server, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    template = create_email_template(
        owner, name="Welcome", subject="Welcome, {{ contact.first_name }}",
        body="Hello {{ contact.first_name or 'there' }}, from {{ workspace.name }}.",
    )  # fmt: skip
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        {"id": "mail", "type": "send_email", "template_id": template.pk, "to": "contact"},
    ]})  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@example.com"}]})
    with django_capture_on_commit_callbacks(execute=True):
        drive()
    (message,) = smtp_server.wait_for(1)
    assert message["To"] == "ada@example.com" and message["Subject"] == "Welcome, Ada"
    assert "Hello Ada, from" in message.get_payload()
    logged = Activity.objects.get(kind="email", contact_id=ada.pk)
    assert (logged.subject, logged.direction) == ("Welcome, Ada", "outbound")


def test_an_inbound_hook_with_its_secret_starts_one_run_per_idempotency_key(owner) -> None:
    flow = active_workflow(owner, {
        "trigger": {"type": "webhook", "object_type": "contact"},
        "steps": [{"id": "t", "type": "add_tag", "tag": "signed-up"}],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "emails": [{"email": "ada@example.com"}]})
    client = Client()
    url = f"/api/v1/hooks/workflows/{flow.hook_key}"
    body = json.dumps({"email": "ADA@example.com", "plan": "pro"})
    wrong = client.post(
        url, body, content_type="application/json", headers={"X-Hook-Secret": "nope"}
    )
    assert wrong.status_code == 404 and not WorkflowRun.objects.exists()
    headers = {"X-Hook-Secret": flow.hook_secret, "Idempotency-Key": "signup-1"}
    first = client.post(url, body, content_type="application/json", headers=headers)
    again = client.post(url, body, content_type="application/json", headers=headers)
    assert first.status_code == 202 and again.json() == {"run_id": None}
    nobody = json.dumps({"email": "nobody@example.com"})
    secret = {"X-Hook-Secret": flow.hook_secret}
    unknown = client.post(url, nobody, content_type="application/json", headers=secret)
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["loc"] == ["email"]
    drive()
    run = WorkflowRun.objects.get()
    assert run.object_id == ada.pk and run.trigger["payload"]["plan"] == "pro"
    assert list(Contact.objects.get(pk=ada.pk).tags.values_list("name", flat=True)) == ["signed-up"]


def test_manual_runs_and_a_dry_run_that_changes_nothing(owner) -> None:
    flow = active_workflow(owner, {
        "trigger": contact_trigger("manual"),
        "steps": [
            {"id": "b", "type": "branch", "if": {"field": "city", "op": "eq", "value": "London"},
             "then": [{"id": "s", "type": "update_field", "field": "lifecycle_stage",
                       "value": "customer"}],
             "else": [{"id": "w", "type": "wait", "days": 1}]},
            {"id": "t", "type": "create_task", "subject": "Follow up"},
        ],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "city": "London"})
    events, audits = OutboxEvent.objects.count(), AuditEntry.objects.count()
    result = dry_run(owner, flow.pk, ada.pk)
    assert result["would_start"] is True
    assert [(s["step_id"], s["ok"]) for s in result["steps"]] == [
        ("b", True),
        ("s", True),
        ("t", True),
    ]
    assert "Would set lifecycle_stage to 'customer'" in result["steps"][1]["would"]
    assert (OutboxEvent.objects.count(), AuditEntry.objects.count()) == (events, audits)
    assert (
        not Activity.objects.exists()
        and Contact.objects.get(pk=ada.pk).lifecycle_stage != "customer"
    )

    (run,) = run_workflow_on(owner, flow.pk, [ada.pk])
    drive()
    run.refresh_from_db()
    assert run.status == "succeeded" and run.trigger == {"type": "manual", "user_id": owner.user_id}
    assert Contact.objects.get(pk=ada.pk).lifecycle_stage == "customer"


def test_editing_an_active_workflow_makes_a_version_and_waiting_runs_keep_theirs(owner) -> None:
    flow = active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        {"id": "w", "type": "wait", "minutes": 5},
        {"id": "old", "type": "add_tag", "tag": "old"},
    ]})  # fmt: skip
    t0 = dt.datetime(2026, 4, 1, 12, 0, tzinfo=dt.UTC)
    first = create_contact(owner, {"first_name": "First"})
    drive(t0)
    update_workflow(owner, flow.pk, {"definition": {"trigger": contact_trigger(), "steps": [
        {"id": "new", "type": "add_tag", "tag": "new"},
    ]}})  # fmt: skip
    second = create_contact(owner, {"first_name": "Second"})
    later = t0 + dt.timedelta(minutes=6)
    wake_runs(later)
    drive(later)
    assert list(Contact.objects.get(pk=first.pk).tags.values_list("name", flat=True)) == ["old"]
    assert list(Contact.objects.get(pk=second.pk).tags.values_list("name", flat=True)) == ["new"]
    numbers = dict(WorkflowRun.objects.values_list("object_id", "version__number"))
    assert numbers == {first.pk: 1, second.pk: 2}
