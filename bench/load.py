"""Measuring: bounded HTTP load on loopback at fixed concurrency, and the equivalent raw SQL."""

from __future__ import annotations

import http.client
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class Probe:
    """One product operation: how to ask for it over HTTP and the SQL that does the same work."""

    name: str
    paths: Sequence[str]  # cycled through by the load threads
    sql: Sequence[tuple[str, Sequence[Sequence[Any]]]]  # statements, each with its params cycle


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    if not samples_ms:
        return {"p50": 0.0, "p95": 0.0, "p99": 0.0}
    if len(samples_ms) == 1:
        return {k: round(samples_ms[0], 2) for k in ("p50", "p95", "p99")}
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return {"p50": round(cuts[49], 2), "p95": round(cuts[94], 2), "p99": round(cuts[98], 2)}


def fetch_status(port: int, path: str, token: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def run_load(
    port: int, token: str, paths: Sequence[str], concurrency: int, requests: int, seconds: float
) -> dict[str, Any]:
    """`requests` GETs spread over `concurrency` keep-alive connections, stopped at `seconds`."""
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    counter = iter(range(requests))
    deadline = time.monotonic() + seconds
    headers = {"Authorization": f"Bearer {token}"}

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        bad = 0
        while time.monotonic() < deadline:
            with lock:
                n = next(counter, None)
            if n is None:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[n % len(paths)], headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append((time.perf_counter() - started) * 1000)
            bad += not ok
        conn.close()
        with lock:
            latencies.extend(mine)
            errors.append(bad)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    return {
        "concurrency": concurrency,
        "requests": len(latencies),
        "errors": sum(errors),
        "rps": round(len(latencies) / wall, 1) if wall else 0.0,
        **percentiles(latencies),
    }


def time_sql(
    statements: Sequence[tuple[str, Sequence[Sequence[Any]]]], repeats: int
) -> dict[str, Any]:
    """Run all statements of one operation `repeats` times on this process's connection."""
    samples: list[float] = []
    with connection.cursor() as cursor:
        for n in range(repeats):
            started = time.perf_counter()
            for sql, params_cycle in statements:
                cursor.execute(sql, params_cycle[n % len(params_cycle)])
                cursor.fetchall()
            samples.append((time.perf_counter() - started) * 1000)
    return {"repeats": repeats, **percentiles(samples)}


def measure_probe(
    probe: Probe,
    port: int,
    token: str,
    levels: Sequence[tuple[int, int]],
    seconds: float,
    sql_repeats: int,
    log: Callable[[str], None],
) -> dict[str, Any]:
    status = fetch_status(port, probe.paths[0], token)
    result: dict[str, Any] = {"name": probe.name, "example": probe.paths[0], "status": status}
    if status != 200:
        result["skipped"] = f"GET {probe.paths[0]} answered {status}; route missing or broken"
        log(f"  {probe.name}: skipped ({result['skipped']})")
    else:
        # Warm up: each path once, unmeasured, as a server that has been running would be
        # (a dataset generated earlier, or read since, may have left the caches cold).
        run_load(port, token, probe.paths, 1, len(probe.paths), seconds)
        result["http"] = []
        for concurrency, requests in levels:
            cell = run_load(port, token, probe.paths, concurrency, requests, seconds)
            result["http"].append(cell)
            log(f"  {probe.name} c={concurrency}: p50 {cell['p50']} ms, {cell['rps']} req/s")
    time_sql(probe.sql, len(probe.sql[0][1]) if probe.sql else 1)  # warm up the same way
    result["sql"] = time_sql(probe.sql, sql_repeats)
    return result
