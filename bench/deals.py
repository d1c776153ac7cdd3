"""`python -m bench.deals [--deals N] [--db sqlite|postgres|both] [--quick]` (part of `make bench`).

Per database: a fresh scratch database with one pipeline holding N deals (default 100,000) in
USD, EUR and GBP across 8 owners and 10,000 companies, with monthly exchange rates; then the
real server measured through HTTP (the board of the pipeline, unfiltered and filtered by owner,
and this quarter's forecast) at 1, 8 and 32 connections, beside the raw SQL that does the same
work. Writes bench/results/deals-<timestamp>.json and .md. Not a test. Targets: board p95
<= 150 ms, forecast p95 <= 300 ms.
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
from decimal import Decimal
from pathlib import Path
from typing import Any

from bench.run import RESULTS, _recreate_pg_database, _server_env, _start_server, free_port, log

PG_URL = os.environ.get(
    "BENCH_DEALS_PG_URL", "postgres://postgres@127.0.0.1:5432/rapport_bench_deals"
)
OWNERS = 8
COMPANIES = 10_000
DEAL_COLUMNS = [
    "id", "workspace_id", "name", "amount", "currency", "pipeline_id", "stage_id",
    "stage_entered_at", "expected_close_on", "closed_on", "owner_id", "company_id",
    "lost_reason", "forecast_category", "created_at", "updated_at",
]  # fmt: skip


def _generate(deals: int, seed: int = 1) -> dict[str, Any]:
    from django.db import connection, transaction
    from django.utils import timezone

    from bench.dataset import Inserter, _reset_sequences
    from rapport.companies.models import Company
    from rapport.currencies.models import ExchangeRate
    from rapport.deals.models import Deal, DealStageChange
    from rapport.deals.services import ensure_default_pipeline
    from rapport.workspaces.models import User
    from rapport.workspaces.queries import principal_for
    from rapport.workspaces.services import add_member, create_api_token, create_workspace

    rng = random.Random(seed)
    owner = User.objects.create_user("deals-bench@example.com", None, full_name="Bench Owner")
    workspace = create_workspace("Deals bench", owner)
    principal = principal_for(owner, workspace.pk)
    _, token = create_api_token(principal, "bench", can_write=False)
    reps = [owner.pk]
    for n in range(OWNERS - 1):
        rep = User.objects.create_user(f"rep{n}@example.com", None, full_name=f"Rep {n}")
        add_member(principal, rep, "sales_rep")
        reps.append(rep.pk)
    pipeline = ensure_default_pipeline(workspace.pk)
    stages = list(pipeline.stages.order_by("position"))
    now, today = timezone.now(), timezone.now().date()
    with transaction.atomic():
        columns = ["id", "workspace_id", "name", "owner_id", "created_at", "updated_at"]
        Inserter(Company, columns).write(
            (i, workspace.pk, f"Company {i}", rng.choice(reps), now, now)
            for i in range(1, COMPANIES + 1)
        )
        for code, level in (("EUR", Decimal("1.08")), ("GBP", Decimal("1.27"))):
            for month in range(36):
                on = (today.replace(day=1) - dt.timedelta(days=30 * month)).replace(day=1)
                ExchangeRate.objects.create(
                    workspace=workspace, currency=code, rate_on=on, rate=level
                )
        rows, stays = [], []
        for i in range(1, deals + 1):
            stage = rng.choices(stages, weights=(25, 20, 15, 10, 15, 15))[0]
            entered = now - dt.timedelta(minutes=rng.randrange(60, 400 * 1440))
            closed = entered.date() if stage.kind != "open" else None
            currency = rng.choices(("USD", "EUR", "GBP"), weights=(70, 20, 10))[0]
            category = {"won": "closed", "lost": "omitted"}.get(stage.kind, "pipeline")
            amount = Decimal(rng.randrange(5, 2000) * 100)
            expected = today + dt.timedelta(days=rng.randrange(-30, 180))
            reason = "Lost to a competitor" if stage.kind == "lost" else ""
            rows.append((i, workspace.pk, f"Deal {i}", amount, currency, pipeline.pk, stage.pk,
                         entered, expected, closed, rng.choice(reps),
                         rng.randrange(1, COMPANIES + 1), reason, category,
                         entered - dt.timedelta(days=3), entered))  # fmt: skip
            stays.append((workspace.pk, i, pipeline.pk, stage.pk, entered))
        Inserter(Deal, DEAL_COLUMNS).write(rows)
        Inserter(DealStageChange, ["workspace_id", "deal_id", "pipeline_id", "stage_id",
                                   "entered_at"]).write(stays)  # fmt: skip
        _reset_sequences([Company, Deal, DealStageChange])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"workspace_id": workspace.pk, "token": token, "pipeline_id": pipeline.pk,
            "stage_ids": [s.pk for s in stages], "owner_id": reps[1], "deals": deals}  # fmt: skip


def _probes(data: dict[str, Any]) -> list[Any]:
    from bench.load import Probe

    ws, pipeline, owner = data["workspace_id"], data["pipeline_id"], data["owner_id"]
    live = "workspace_id = %s AND deleted_at IS NULL"
    aggregate = (
        "SELECT stage_id, currency, closed_on, COUNT(id), SUM(amount) FROM deals_deal "
        f"WHERE {live} AND pipeline_id = %s{{owner}} GROUP BY stage_id, currency, closed_on"
    )
    cards = (
        f"SELECT * FROM deals_deal WHERE {live} AND stage_id = %s{{owner}} "
        "ORDER BY stage_entered_at, id LIMIT 21"
    )
    rates = "SELECT currency, rate_on, rate FROM currencies_exchangerate WHERE workspace_id = %s"

    def statements(by_owner: bool) -> list[tuple[str, list[tuple[Any, ...]]]]:
        extra, more = (" AND owner_id = %s", (owner,)) if by_owner else ("", ())
        return [
            (aggregate.format(owner=extra), [(ws, pipeline, *more)]),
            (rates, [(ws,)]),
            *[(cards.format(owner=extra), [(ws, s, *more)]) for s in data["stage_ids"]],
        ]

    path = f"/api/v1/pipelines/{pipeline}/board"
    return [
        Probe("board", [path], statements(False)),
        Probe("board, one owner", [f"{path}?filter=owner_id:eq:{owner}"], statements(True)),
        _forecast_probe(ws),
    ]


def _forecast_probe(ws: int) -> Any:
    """This quarter's forecast: won deals closed in it and open deals expected to close in it."""
    from django.utils import timezone

    from bench.load import Probe
    from rapport.forecasts.periods import period_of

    quarter = period_of("quarter", timezone.localdate())
    span = (quarter.start, quarter.end)
    live = "d.workspace_id = %s AND d.deleted_at IS NULL"
    join = "FROM deals_deal d JOIN deals_stage s ON s.id = d.stage_id"
    won = (f"SELECT d.owner_id, d.currency, d.closed_on, COUNT(d.id), SUM(d.amount) {join} "
           f"WHERE {live} AND s.kind = 'won' AND d.closed_on BETWEEN %s AND %s "
           "GROUP BY d.owner_id, d.currency, d.closed_on")  # fmt: skip
    open_ = (f"SELECT d.owner_id, d.stage_id, d.forecast_category, d.currency, COUNT(d.id), "
             f"SUM(d.amount) {join} WHERE {live} AND s.kind = 'open' AND d.expected_close_on "
             "BETWEEN %s AND %s AND d.forecast_category <> 'omitted' "
             "GROUP BY d.owner_id, d.stage_id, d.forecast_category, d.currency")  # fmt: skip
    return Probe(
        "forecast, this quarter",
        [f"/api/v1/forecast?period={quarter.key}"],
        [(won, [(ws, *span)]), (open_, [(ws, *span)])],
    )


def _effort(quick: bool) -> tuple[int, int]:
    """Seconds per load level, and raw SQL repeats."""
    return (8, 50) if quick else (30, 200)


def bench_one(db: str, deals: int, quick: bool) -> dict[str, Any]:
    var_dir = tempfile.mkdtemp(prefix=f"rapport-dealbench-{db}-")
    url = f"sqlite:///{var_dir}/bench.sqlite3" if db == "sqlite" else PG_URL
    if db == "postgres":
        _recreate_pg_database(url)
    os.environ.update(DATABASE_URL=url, RAPPORT_VAR_DIR=var_dir, RAPPORT_DEV="1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from bench.load import measure_probe

    call_command("migrate", verbosity=0, skip_checks=True)
    started = time.monotonic()
    data = _generate(deals)
    log(f"[{db}] {deals} deals in {time.monotonic() - started:.1f} s")
    connections.close_all()
    port = free_port()
    server = _start_server(_server_env(url, var_dir), port)
    levels = [(c, (60 if quick else 300) * (1 if c == 1 else 4)) for c in (1, 8, 32)]
    try:
        probes = [
            measure_probe(
                p, port, data["token"], levels, 8 if quick else 30, 50 if quick else 200, log
            )
            for p in _probes(data)
        ]
    finally:
        server.terminate()
        server.wait(30)
        connections.close_all()
        shutil.rmtree(var_dir, ignore_errors=True)
    return {"database": db, "deals": deals, "probes": probes}


def markdown(report: dict[str, Any]) -> str:
    lines = [
        f"Rapport deals bench {report['started_at']} ({report['machine']['cpus']} cores)",
        "",
        "| db | operation | deals | conn | p50 ms | p95 ms | p99 ms | req/s | errors"
        " | SQL p50 ms | SQL p95 ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for run in report["runs"]:
        for probe in run["probes"]:
            sql = probe["sql"]
            for c in probe.get("http", []):
                timing = [c[k] for k in ("concurrency", "p50", "p95", "p99", "rps", "errors")]
                cells = [
                    run["database"],
                    probe["name"],
                    run["deals"],
                    *timing,
                    sql["p50"],
                    sql["p95"],
                ]
                lines.append("| " + " | ".join(str(x) for x in cells) + " |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.deals", description=__doc__)
    parser.add_argument("--deals", type=int)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument("--quick", action="store_true", help="10,000 deals, shorter phases")
    parser.add_argument("--json-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    deals = args.deals or (10_000 if args.quick else 100_000)
    if args.db == "both":
        runs = []
        for db in ("sqlite", "postgres"):
            out = Path(tempfile.mkdtemp()) / "run.json"
            cmd = [sys.executable, "-m", "bench.deals", "--db", db, "--deals", str(deals),
                   "--json-out", str(out), *(["--quick"] if args.quick else [])]  # fmt: skip
            subprocess.run(cmd, check=True)  # noqa: S603 - our own interpreter, fixed argv
            runs.append(json.loads(out.read_text()))
    else:
        runs = [bench_one(args.db, deals, args.quick)]
        if args.json_out:
            Path(args.json_out).write_text(json.dumps(runs[0]))
            return 0
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    report = {"started_at": stamp, "args": vars(args) | {"deals": deals},
              "machine": {"cpus": os.cpu_count()}, "runs": runs}  # fmt: skip
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"deals-{stamp}.json").write_text(json.dumps(report, indent=2))
    table = markdown(report)
    (RESULTS / f"deals-{stamp}.md").write_text(table)
    print("\n" + table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
