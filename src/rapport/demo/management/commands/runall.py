"""`rapport runall`: the web server and the job worker as child processes, for one machine.

Prints the URL (and the demo login when the demo is seeded), forwards SIGINT and SIGTERM to both
children and exits as soon as either one stops, stopping the other.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
import urllib.request
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from rapport.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD
from rapport.workspaces.models import User

STOP_TIMEOUT_SECONDS = 25


def _wait_until_up(url: str, web: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and web.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 - our own http:// URL
                return bool(response.status == 200)
        except OSError:
            time.sleep(0.3)
    return False


class Command(BaseCommand):
    help = "Run the web server (`rapport serve`) and the job worker until one of them stops."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--port", type=int, default=settings.PORT)
        parser.add_argument("--host", default=settings.HOST)

    def _stop(self, procs: list[subprocess.Popen[bytes]], signum: int) -> None:
        for proc in procs:
            if proc.poll() is None:
                proc.send_signal(signum)

    def _announce(self, url: str) -> None:
        self.stdout.write(f"\nRapport is running at {url}")
        if User.objects.filter(email=DEMO_OWNER_EMAIL).exists():
            self.stdout.write(f"Demo login: {DEMO_OWNER_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write("Press Ctrl-C to stop.\n")
        self.stdout.flush()

    def handle(self, *args: Any, **options: Any) -> None:
        cli = [sys.executable, "-m", "rapport.cli"]
        address = ["--host", options["host"], "--port", str(options["port"])]
        # Own sessions: a terminal's Ctrl-C reaches only us, and we forward it exactly once.
        web = subprocess.Popen([*cli, "serve", *address], start_new_session=True)  # noqa: S603
        worker = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [*cli, "worker", "--queue-name", "*"], start_new_session=True
        )
        procs = [web, worker]
        stopping: list[int] = []

        def forward(signum: int, frame: FrameType | None) -> None:
            stopping.append(signum)
            self._stop(procs, signum)

        signal.signal(signal.SIGINT, forward)
        signal.signal(signal.SIGTERM, forward)
        url = f"http://{options['host']}:{options['port']}"
        if _wait_until_up(url, web, 60):
            self._announce(url)
        while all(proc.poll() is None for proc in procs):
            time.sleep(0.3)
        self._stop(procs, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(STOP_TIMEOUT_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        codes = [proc.returncode for proc in procs]
        if not stopping and any(codes):
            self.stderr.write(f"Stopped: web exited {codes[0]}, worker exited {codes[1]}.")
            sys.exit(1)
