"""A real `rapport worker` killed with SIGKILL in the middle of a run: restarted, the run
completes with each database effect applied once and no event lost.

The worker runs against a scratch database of the suite's engine (a SQLite file, or a scratch
PostgreSQL database), so the subprocesses and this test see the same committed rows.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

SETUP = """
from rapport.workspaces.models import User
from rapport.workspaces.services import create_workspace
from rapport.workspaces.queries import principal_for
from rapport.automation.services import create_workflow, set_workflow_active
from rapport.contacts.services import create_contact
user = User.objects.create_user("crash@example.com", "correct horse battery staple")
workspace = create_workspace("Crash test", user)
owner = principal_for(user, workspace.pk)
steps = [
    {"id": "one", "type": "update_field", "field": "job_title", "value": "Step one"},
    {"id": "call", "type": "http_post", "url": "%(url)s", "timeout_seconds": 20},
    {"id": "three", "type": "add_tag", "tag": "done"},
]
flow = create_workflow(owner, {"name": "Crash", "definition": {
    "trigger": {"type": "record_created", "object_type": "contact"}, "steps": steps}})
set_workflow_active(owner, flow.pk, True)
create_contact(owner, {"first_name": "Ada"})  # the worker is down: the event must wait
"""


class SlowHook(BaseHTTPRequestHandler):
    """Answers after a pause the first time, so the worker can be killed mid-call."""

    calls: list[dict[str, str]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        self.rfile.read(length)
        SlowHook.calls.append({"key": self.headers["Idempotency-Key"]})
        if len(SlowHook.calls) == 1:
            time.sleep(6)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def hook_url() -> Iterator[str]:
    SlowHook.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowHook)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


@pytest.fixture
def scratch_url(tmp_path: Path) -> Iterator[str]:
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path}/worker.sqlite3"
        return
    import psycopg

    settings = connection.settings_dict
    name = f"rapport_worker_{uuid.uuid4().hex[:8]}"
    host = f"{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}"
    base = f"postgres://{settings['USER']}@{host}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{base}/{name}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(
        DATABASE_URL=url,
        RAPPORT_DEV="1",
        RAPPORT_TESTING="0",
        WORKFLOW_STALL_SECONDS="2",
        WORKFLOW_ALLOW_PRIVATE_URLS="1",
        EMAIL_URL="console://",
        LOG_LEVEL="WARNING",
    )
    return env


def _rapport(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "rapport.cli", *args]
    return subprocess.run(cmd, env=env, check=True, capture_output=True, text=True, timeout=120)  # noqa: S603


def _query(url: str, sql: str) -> list[tuple[Any, ...]]:
    if url.startswith("sqlite"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:
            return db.execute(sql).fetchall()
    import psycopg

    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()  # type: ignore[arg-type]


def _wait_for(url: str, sql: str, expected: Any, seconds: float) -> Any:
    deadline = time.monotonic() + seconds
    rows: Any = None
    while time.monotonic() < deadline:
        rows = _query(url, sql)
        if rows == expected:
            return rows
        time.sleep(0.2)
    raise AssertionError(f"{sql} gave {rows}, expected {expected}")


def _worker(env: dict[str, str]) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "rapport.cli", "worker"]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603


@pytest.mark.django_db
def test_a_worker_killed_mid_run_is_replaced_and_each_effect_happens_once(
    scratch_url: str, hook_url: str
) -> None:
    env = _env(scratch_url)
    _rapport(["migrate", "--no-input", "-v0"], env)
    _rapport(["shell", "-c", SETUP % {"url": hook_url}], env)
    run_status = "SELECT status, cursor FROM automation_workflowrun"

    first = _worker(env)
    try:
        _wait_for(scratch_url, run_status, [("running", "call")], 30)
        deadline = time.monotonic() + 10
        while not SlowHook.calls and time.monotonic() < deadline:
            time.sleep(0.05)
        assert SlowHook.calls, "the worker never called the hook"
        first.send_signal(signal.SIGKILL)  # in the middle of the outside call
        first.wait(10)
    finally:
        if first.poll() is None:
            first.kill()

    second = _worker(env)
    pending = "SELECT count(*) FROM core_outboxevent WHERE dispatched_at IS NULL"
    try:
        _wait_for(scratch_url, run_status, [("succeeded", "")], 45)
        _wait_for(scratch_url, pending, [(0,)], 15)  # the run's own changes went out too
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(20)

    steps = _query(scratch_url, "SELECT step_id, status FROM automation_runstep ORDER BY id")
    assert steps == [("one", "succeeded"), ("call", "succeeded"), ("three", "succeeded")]
    job_title_changes = _query(
        scratch_url,
        "SELECT changes FROM core_auditentry WHERE object_type = 'contact' AND action = 'update'",
    )
    changed = [json.loads(c) if isinstance(c, str) else c for (c,) in job_title_changes]
    assert sum("job_title" in c for c in changed) == 1
    assert sum("tags" in c for c in changed) == 1
    # The outside call is at least once: repeated after the crash, with the same key.
    assert len(SlowHook.calls) == 2 and SlowHook.calls[0] == SlowHook.calls[1]
