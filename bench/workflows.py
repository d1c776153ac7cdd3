"""`python -m bench.workflows [--contacts N] [--db sqlite|postgres] [--workflows W] [--quick]`
(part of `make bench`): the workflow engine's throughput and lag, beside the raw database.

Per database: a fresh scratch database with N contacts (bench.dataset), W active workflows
("when a contact's city changes to City i, set its job title"), and a real `rapport worker`
(database job backend). Then, through the contact service as a person would:

1. lag: a steady stream of city changes (RATE per second); lag is the time from the change's
   event to its workflow step finishing (p50 / p95 / p99);
2. throughput: a burst of changes written at once; events per second until every event is
   dispatched and every run finished.

Beside them, the raw database doing the same writes per event (the contact update, audit entry,
outbox event, run, run step and the step's contact update) in one transaction each.
Writes bench/results/workflows-<timestamp>.json and .md. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.run import PG_URL, RESULTS, _recreate_pg_database, _server_env, log

STEADY_SECONDS = 30
RATE = 10  # changes per second in the lag phase


def _workflows(principal: Any, count: int) -> None:
    from rapport.automation.services import create_workflow, set_workflow_active

    for i in range(count):
        definition = {
            "trigger": {"type": "field_changed", "object_type": "contact", "field": "city",
                        "to": f"City {i}"},
            "steps": [{"id": "route", "type": "update_field", "field": "job_title",
                       "value": f"Routed {i}"}],
        }  # fmt: skip
        flow = create_workflow(principal, {"name": f"Route {i}", "definition": definition})
        set_workflow_active(principal, flow.pk, True)


def _change(principal: Any, contact_ids: list[int], rng: random.Random, workflows: int) -> None:
    from rapport.contacts.services import update_contact

    update_contact(principal, rng.choice(contact_ids), {"city": f"City {rng.randrange(workflows)}"})


def _lags(since_event_id: int) -> list[float]:
    from django.db.models import Min

    from rapport.automation.models import RunStep
    from rapport.core.models import OutboxEvent

    events = dict(
        OutboxEvent.objects.filter(
            pk__gt=since_event_id, name="contact.updated", depth=0
        ).values_list("pk", "occurred_at")
    )
    finished = (
        RunStep.objects.filter(run__trigger__event_id__isnull=False, status="succeeded")
        .values("run__trigger__event_id")
        .annotate(done=Min("finished_at"))
    )
    lags = []
    for row in finished:
        occurred = events.get(row["run__trigger__event_id"])
        if occurred is not None:
            lags.append((row["done"] - occurred).total_seconds() * 1000)
    return lags


def _settled(timeout: float) -> bool:
    from rapport.automation.models import WorkflowRun
    from rapport.core.models import OutboxEvent

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pending = OutboxEvent.objects.filter(dispatched_at__isnull=True).exists()
        running = WorkflowRun.objects.exclude(status__in=["succeeded", "failed"]).exists()
        if not pending and not running:
            return True
        time.sleep(0.2)
    return False


def _steady(principal: Any, ids: list[int], workflows: int, seconds: int) -> dict[str, Any]:
    from bench.load import percentiles
    from rapport.core.models import OutboxEvent

    rng = random.Random(7)
    since = OutboxEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    started = time.monotonic()
    for n in range(seconds * RATE):
        delay = started + n / RATE - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        _change(principal, ids, rng, workflows)
    settled = _settled(60)
    lags = _lags(since)
    return {"changes": seconds * RATE, "runs": len(lags), "settled": settled,
            "lag_ms": percentiles(sorted(lags))}  # fmt: skip


def _burst(principal: Any, ids: list[int], workflows: int, count: int) -> dict[str, Any]:
    rng = random.Random(11)
    started = time.monotonic()
    for _ in range(count):
        _change(principal, ids, rng, workflows)
    written = time.monotonic() - started
    settled = _settled(300)
    total = time.monotonic() - started
    return {"changes": count, "write_seconds": round(written, 2), "total_seconds": round(total, 2),
            "events_per_second": round(count / total, 1), "settled": settled}  # fmt: skip


RAW_SQL = (
    "UPDATE contacts_contact SET city = %s, version = version + 1, updated_at = %s WHERE id = %s",
    "INSERT INTO core_auditentry (workspace_id, created_at, actor_label, action, object_type,"
    " object_id, object_repr, changes, request_id)"
    " VALUES (%s, %s, '', 'update', 'contact', %s, '', '{\"city\": [\"a\", \"b\"]}', '')",
    "INSERT INTO core_outboxevent (workspace_id, name, object_type, object_id, payload,"
    " actor_label, depth, occurred_at, dispatched_at, delivered_to, attempts, last_error)"
    " VALUES (%s, 'contact.updated', 'contact', %s, '{}', '', 0, %s, %s, '[]', 0, '')",
    "INSERT INTO automation_workflowrun (workspace_id, workflow_id, version_id, trigger_key,"
    " trigger, object_type, object_id, status, cursor, context, depth, attempts, error, claim,"
    " created_at) VALUES (%s, %s, %s, %s, '{}', 'contact', %s, 'succeeded', '', '{}', 0, 0, '',"
    " '', %s)",
    "INSERT INTO automation_runstep (run_id, step_id, action, status, attempt, output, error,"
    " started_at, finished_at) SELECT max(id), 'route', 'update_field', 'succeeded', 1, '{}', '',"
    " %s, %s FROM automation_workflowrun",
    "UPDATE contacts_contact SET job_title = %s, version = version + 1 WHERE id = %s",
)


def _raw(workspace_id: int, ids: list[int], count: int) -> dict[str, Any]:
    """The same rows written by hand, one transaction per event: the database's own ceiling."""
    from django.db import connection, transaction
    from django.utils import timezone

    from rapport.automation.models import WorkflowVersion

    version = WorkflowVersion.objects.filter(workflow__workspace_id=workspace_id).first()
    assert version is not None
    rng = random.Random(3)
    started = time.monotonic()
    with connection.cursor() as cursor:
        for n in range(count):
            contact, now = rng.choice(ids), timezone.now()
            params = (
                [f"Raw {n}", now, contact],
                [workspace_id, now, contact],
                [workspace_id, contact, now, now],
                [workspace_id, version.workflow_id, version.pk, f"raw:{n}", contact, now],
                [now, now],
                [f"Raw {n}", contact],
            )
            with transaction.atomic():
                for sql, values in zip(RAW_SQL, params, strict=True):
                    cursor.execute(sql, values)
    seconds = time.monotonic() - started
    return {"events": count, "events_per_second": round(count / seconds, 1)}


def bench_one(db: str, contacts: int, workflows: int, quick: bool) -> dict[str, Any]:
    var_dir = tempfile.mkdtemp(prefix=f"rapport-wfbench-{db}-")
    url = f"sqlite:///{var_dir}/bench.sqlite3" if db == "sqlite" else PG_URL
    if db == "postgres":
        _recreate_pg_database(url)
    os.environ.update(DATABASE_URL=url, RAPPORT_VAR_DIR=var_dir, RAPPORT_DEV="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.dataset import generate
    from rapport.contacts.models import Contact
    from rapport.workspaces.models import User
    from rapport.workspaces.queries import principal_for

    call_command("migrate", verbosity=0, skip_checks=True)
    data = generate(contacts)
    log(f"[{db}] {data['counts']['contacts']} contacts; {workflows} workflows")
    owner = User.objects.get(email="bench1@example.com")
    principal = principal_for(owner, data["workspace_id"])
    _workflows(principal, workflows)
    contacts_of = Contact.objects.filter(workspace_id=data["workspace_id"])
    ids = list(contacts_of.values_list("pk", flat=True)[:20000])
    connections.close_all()
    env = _server_env(url, var_dir) | {"EMAIL_URL": "dummy://"}
    cmd = [sys.executable, "-m", "rapport.cli", "worker"]
    worker = subprocess.Popen(cmd, env=env, start_new_session=True)  # noqa: S603 - fixed argv
    try:
        steady = _steady(principal, ids, workflows, 10 if quick else STEADY_SECONDS)
        log(f"[{db}] lag at {RATE} changes/s: {steady['lag_ms']} ms over {steady['runs']} runs")
        burst = _burst(principal, ids, workflows, 200 if quick else 1000)
        log(f"[{db}] burst: {burst['events_per_second']} events/s")
    finally:
        worker.terminate()
        worker.wait(30)
    raw = _raw(data["workspace_id"], ids, 200 if quick else 1000)
    log(f"[{db}] raw SQL: {raw['events_per_second']} events/s")
    connections.close_all()
    shutil.rmtree(var_dir, ignore_errors=True)
    return {"database": db, "contacts": contacts, "workflows": workflows, "rate": RATE,
            "steady": steady, "burst": burst, "raw": raw}  # fmt: skip


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Rapport workflow bench {report['started_at']} ({report['machine']['cpus']} cores)",
        "",
        "| db | contacts | workflows | lag p50 ms | lag p95 ms | lag p99 ms | burst events/s"
        " | raw SQL events/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in report["runs"]:
        lag = run["steady"]["lag_ms"]
        rates = [run["burst"]["events_per_second"], run["raw"]["events_per_second"]]
        cells = [run["database"], run["contacts"], run["workflows"], *lag.values(), *rates]
        lines.append("| " + " | ".join(str(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workflows", description=__doc__)
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--workflows", type=int, default=100)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 contacts, shorter phases")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    contacts = args.contacts or (10_000 if args.quick else 100_000)
    if args.db == "both":
        runs = []
        for db in ("sqlite", "postgres"):
            out = Path(tempfile.mkdtemp()) / "run.json"
            cmd = [sys.executable, "-m", "bench.workflows", "--db", db, "--contacts", str(contacts),
                   "--workflows", str(args.workflows), "--json-out", str(out),
                   *(["--quick"] if args.quick else [])]  # fmt: skip
            subprocess.run(cmd, check=True)  # noqa: S603 - our own interpreter, fixed argv
            runs.append(json.loads(out.read_text()))
    else:
        runs = [bench_one(args.db, contacts, args.workflows, args.quick)]
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(runs[0]))
            return 0
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"started_at": stamp, "args": vars(args) | {"contacts": contacts},
              "machine": {"cpus": os.cpu_count()}, "runs": runs}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"workflows-{stamp}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (RESULTS / f"workflows-{stamp}.md").write_text(table)
    print("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
