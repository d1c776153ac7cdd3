"""`python -m bench.run [--contacts N] [--db sqlite|postgres|both] [--quick]` (`make bench`).

Per database: a fresh scratch database, migrated and filled by bench.dataset, then the real
server (`rapport serve`, production settings) on a free loopback port, measured through HTTP with
a read-only API token at 1, 8 and 32 connections, beside the raw SQL that does the same work.
Writes bench/results/<timestamp>.json and .md and prints the table. Not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
DATA = Path(__file__).resolve().parent / "data"  # datasets kept by --keep (ignored by git)
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/rapport_bench")
LEVELS = (1, 8, 32)


def log(message: str) -> None:
    print(message, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _recreate_pg_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _create_pg_database_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def _server_env(database_url: str, var_dir: str) -> dict[str, str]:
    """Production settings (no RAPPORT_DEV), with the API rate limit out of the way."""
    env = {k: v for k, v in os.environ.items() if k not in {"RAPPORT_DEV", "DEBUG"}}
    env.update(
        DATABASE_URL=database_url,
        RAPPORT_VAR_DIR=var_dir,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        API_RATE_LIMIT_PER_MINUTE="100000000",
        LOG_LEVEL="WARNING",
    )
    return env


def _start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "rapport.cli", "serve", "--port", str(port), "--quiet"]
    server = subprocess.Popen(cmd, env=env, start_new_session=True)  # noqa: S603 - fixed argv
    from bench.load import fetch_status

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if fetch_status(port, "/healthz", "") == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise RuntimeError("the server did not answer /healthz within 60 s")


def _search_sql(ws: int, words: list[str], object_type: str) -> list[tuple[str, list[Any]]]:
    """As rapport.search.queries for one type: one read of up to 400 matches from the text
    index, flagged where the word starts a word; then the best 20 of up to 400 candidates."""
    from django.db import connection

    if connection.vendor == "sqlite":  # the type's own FTS5 trigram table
        fts = f"search_searchentry_fts_{object_type}"
        match = (
            f"id IN (SELECT f.rowid FROM {fts} f JOIN search_searchentry e ON e.id = f.rowid "
            f"WHERE {fts} MATCH %s AND e.workspace_id = %s LIMIT 2000)"
        )
        term = [lambda w: f'"{w}"', lambda w: ws]
    else:  # the type's partial pg_trgm GIN index
        match = "text LIKE %s"
        term = [lambda w: f"%{w}%"]
    scope = f"workspace_id = %s AND object_type = '{object_type}' AND {match}"
    flag = "(text LIKE %s OR text LIKE %s)"
    scan = f"SELECT id, {flag} FROM search_searchentry WHERE {scope} LIMIT 400"
    rank = (
        "SELECT id, title, subtitle FROM search_searchentry WHERE id IN "
        f"(SELECT id FROM search_searchentry WHERE {scope} LIMIT 400) ORDER BY title LIMIT 20"
    )
    scope_params = [lambda w: ws, *term]
    return [
        (scan, [(f"{w}%", f"% {w}%", *(p(w) for p in scope_params)) for w in words]),
        (rank, [tuple(p(w) for p in scope_params) for w in words]),
    ]


def _probes(workspace_id: int, rng: random.Random) -> list[Any]:

    from bench.load import Probe
    from rapport.contacts.models import Contact

    ids = list(
        Contact.objects.filter(workspace_id=workspace_id)
        .order_by("?")
        .values_list("id", flat=True)[:200]
    )
    words = sorted(
        {n.lower() for n in Contact.objects.filter(pk__in=ids).values_list("last_name", flat=True)}
    )
    ws = workspace_id
    searches = [sql for t in ("contact", "company") for sql in _search_sql(ws, words, t)]
    live = "workspace_id = %s AND deleted_at IS NULL"
    return [
        Probe("get contact", [f"/api/v1/contacts/{i}" for i in ids], [
            (f"SELECT * FROM contacts_contact WHERE {live} AND id = %s", [(ws, i) for i in ids]),
            ("SELECT * FROM contacts_contactemail WHERE contact_id = %s", [(i,) for i in ids]),
            ("SELECT * FROM contacts_contactphone WHERE contact_id = %s", [(i,) for i in ids]),
        ]),
        Probe("list customers by last name",
              ["/api/v1/contacts?filter=lifecycle_stage:eq:customer&sort=last_name&limit=50"], [
            (f"SELECT * FROM contacts_contact WHERE {live} AND lifecycle_stage = 'customer' "
             "ORDER BY last_name, id LIMIT 51", [(ws,)]),
            (f"SELECT COUNT(*) FROM (SELECT 1 FROM contacts_contact WHERE {live} AND "
             "lifecycle_stage = 'customer' LIMIT 1001) AS capped", [(ws,)]),
        ]),
        Probe("contact timeline", [f"/api/v1/contacts/{i}/timeline" for i in ids], [
            (f"SELECT * FROM activities_activity WHERE {live} AND contact_id = %s "
             "ORDER BY occurred_at DESC, id DESC LIMIT 51", [(ws, i) for i in ids]),
        ]),
        Probe("search", [f"/api/v1/search?q={w}" for w in words], searches),
    ]  # fmt: skip


def _reused(contacts: int) -> dict[str, Any] | None:
    """The dataset a previous `--keep` run left, with a fresh token; None when there is none."""
    from django.db.utils import DatabaseError

    from rapport.activities.models import Activity
    from rapport.companies.models import Company
    from rapport.contacts.models import Contact
    from rapport.workspaces.models import User, Workspace
    from rapport.workspaces.queries import principal_for
    from rapport.workspaces.services import create_api_token

    try:
        workspace = Workspace.objects.filter(name="Bench").first()
    except DatabaseError:
        return None
    if workspace is None or Contact.objects.filter(workspace=workspace).count() != contacts:
        return None
    owner = User.objects.get(email="bench1@example.com")
    _, token = create_api_token(principal_for(owner, workspace.pk), "bench again", can_write=False)
    counts = {
        "contacts": contacts,
        "companies": Company.objects.filter(workspace=workspace).count(),
        "activities": Activity.objects.filter(workspace=workspace).count(),
    }
    return {"workspace_id": workspace.pk, "token": token, "counts": counts, "reused": True}


def bench_one(db: str, contacts: int, quick: bool, keep: bool = False) -> dict[str, Any]:
    """Set up one database in this process, serve it, measure, tear down.

    With `keep`, the dataset stays (SQLite under bench/data/, PostgreSQL in its database) and
    the next `--keep` run of the same size measures it again without generating it.
    """
    if keep and db == "sqlite":
        var_dir = str(DATA / f"sqlite-{contacts}")
        Path(var_dir).mkdir(parents=True, exist_ok=True)
    else:
        var_dir = tempfile.mkdtemp(prefix=f"rapport-bench-{db}-")
    url = f"sqlite:///{var_dir}/bench.sqlite3" if db == "sqlite" else PG_URL
    if db == "postgres" and not keep:
        _recreate_pg_database(url)
    os.environ.update(DATABASE_URL=url, RAPPORT_VAR_DIR=var_dir, RAPPORT_DEV="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    from bench.dataset import generate  # models import only after setup
    from bench.load import measure_probe

    started = time.monotonic()
    if keep and db == "postgres":
        _create_pg_database_if_missing(url)
    call_command("migrate", verbosity=0, skip_checks=True)
    data = _reused(contacts) if keep else None
    if data is None:
        if keep:  # a kept database without a whole dataset of this size: start it again
            connections.close_all()
            if db == "postgres":
                _recreate_pg_database(url)
            else:
                Path(var_dir, "bench.sqlite3").unlink(missing_ok=True)
            call_command("migrate", verbosity=0, skip_checks=True)
        log(
            f"[{db}] migrated in {time.monotonic() - started:.1f} s; generating {contacts} contacts"
        )
        started = time.monotonic()
        data = generate(contacts)
    log(f"[{db}] dataset {data['counts']} in {time.monotonic() - started:.1f} s")
    connections.close_all()
    port = free_port()
    server = _start_server(_server_env(url, var_dir), port)
    levels = [(c, (60 if quick else 300) * (1 if c == 1 else 4)) for c in LEVELS]
    try:
        results = [
            measure_probe(
                p, port, data["token"], levels, 8 if quick else 30, 50 if quick else 200, log
            )
            for p in _probes(data["workspace_id"], random.Random(1))
        ]
    finally:
        server.terminate()
        server.wait(30)
        connections.close_all()
        if not keep:
            shutil.rmtree(var_dir, ignore_errors=True)
    return {
        "database": db,
        "dataset": {k: v for k, v in data.items() if k != "token"},
        "server": {"workers": settings.WEB_CONCURRENCY, "threads": settings.WEB_THREADS},
        "probes": results,
    }


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def markdown(report: dict[str, Any]) -> str:
    header = ("db", "operation", "conn", "p50 ms", "p95 ms", "p99 ms", "req/s", "errors",
              "SQL p50 ms", "SQL p95 ms")  # fmt: skip
    lines = [
        f"Rapport bench {report['started_at']} ({report['machine']['cpus']} cores)",
        "",
        _row(*header),
        _row("---", "---", *["---:"] * (len(header) - 2)),
    ]
    for run in report["runs"]:
        for probe in run["probes"]:
            db, name, sql = run["database"], probe["name"], probe["sql"]
            if "skipped" in probe:
                skipped = f"skipped: HTTP {probe['status']}"
                lines.append(_row(db, name, "-", skipped, "", "", "", "", sql["p50"], sql["p95"]))
                continue
            for c in probe["http"]:
                lines.append(
                    _row(
                        db,
                        name,
                        c["concurrency"],
                        c["p50"],
                        c["p95"],
                        c["p99"],
                        c["rps"],
                        c["errors"],
                        sql["p50"],
                        sql["p95"],
                    )
                )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--contacts", type=int)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 contacts, fewer requests")
    parser.add_argument(
        "--keep", action="store_true", help="keep the dataset and reuse a kept one of this size"
    )
    parser.add_argument("--json-out", help=argparse.SUPPRESS)  # used by --db both
    args = parser.parse_args(argv)
    contacts = args.contacts or (10_000 if args.quick else 100_000)
    if args.db == "both":  # one process per database: settings are read once per process
        runs = []
        for db in ("sqlite", "postgres"):
            out = Path(tempfile.mkdtemp()) / "run.json"
            cmd = [sys.executable, "-m", "bench.run", "--db", db, "--contacts", str(contacts),
                   "--json-out", str(out), *(["--quick"] if args.quick else []),
                   *(["--keep"] if args.keep else [])]  # fmt: skip
            subprocess.run(cmd, check=True)  # noqa: S603 - our own interpreter, fixed argv
            runs.append(json.loads(out.read_text()))
    else:
        runs = [bench_one(args.db, contacts, args.quick, args.keep)]
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(runs[0]))
            return 0
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {
        "started_at": stamp,
        "args": vars(args) | {"contacts": contacts},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "runs": runs,
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{stamp}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (RESULTS / f"{stamp}.md").write_text(table)
    print("\n" + table)
    log(f"Wrote {RESULTS / stamp}.json and .md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
