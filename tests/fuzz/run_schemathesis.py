"""Fuzz /api/v1 with schemathesis against a real server on a scratch database (`make schemathesis`).

Not a pytest module: it migrates a temporary SQLite database, seeds two workspaces (so tenancy
leaks would show up as schema or status errors), starts `rapport serve` on a free loopback port
and runs the schemathesis CLI with the first workspace owner's token. Extra arguments go to
schemathesis. Exits with schemathesis's status: non-zero on any failure.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

CHECKS = os.environ.get("FUZZ_CHECKS", "not_a_server_error,response_schema_conformance")
MAX_EXAMPLES = os.environ.get("FUZZ_MAX_EXAMPLES", "50")
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def seed(scratch: str) -> str:
    """Migrate and seed two small workspaces; returns a write token of the first one's owner."""
    os.environ.update(
        DATABASE_URL=f"sqlite:///{scratch}/fuzz.sqlite3",
        RAPPORT_VAR_DIR=scratch,
        RAPPORT_DEV="1",
        DJANGO_SETTINGS_MODULE="rapport.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from rapport.demo.seed import DemoSize, populate_workspace, seed_demo
    from rapport.savedviews.services import create_saved_view
    from rapport.workspaces.models import User
    from rapport.workspaces.queries import principal_for
    from rapport.workspaces.services import create_api_token, create_workspace

    call_command("migrate", verbosity=0)
    first = seed_demo(DemoSize(contacts=12, companies=3, activities=30), seed=1)
    other_owner = User.objects.create_user("owner@globex.example", "globex fuzz password")
    other = create_workspace("Globex", other_owner)
    populate_workspace(other, [other_owner], DemoSize(contacts=8, companies=2, activities=16), 2)
    owner = principal_for(first.users[0], first.workspace.pk)
    _, token = create_api_token(owner, "fuzz", True)
    # Saved views are not part of the demo; seed some so their ids resolve (Globex's do not).
    for principal in (owner, principal_for(other_owner, other.pk)):
        for is_shared in (False, True):
            create_saved_view(principal, object_type="contact", name="Fuzz", is_shared=is_shared)
    return token


def wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("rapport serve did not answer /healthz within 60 s")


def main(extra: list[str]) -> int:
    sys.path.insert(0, str(ROOT / "src"))
    with tempfile.TemporaryDirectory(prefix="rapport-fuzz-") as scratch:
        token = seed(scratch)
        port = free_port()
        env = {**os.environ, "API_RATE_LIMIT_PER_MINUTE": "100000000", "LOG_LEVEL": "ERROR"}
        cli = [sys.executable, "-m", "rapport.cli"]
        server = subprocess.Popen(  # noqa: S603 - our own interpreter, fixed arguments
            [*cli, "serve", "--port", str(port), "--quiet"], env=env, start_new_session=True
        )
        try:
            wait_until_up(port, server)
            base = f"http://127.0.0.1:{port}"
            command = [
                str(Path(sys.executable).with_name("schemathesis")),
                "run",
                f"{base}/api/v1/openapi.json",
                "--url",
                base,  # the schema's paths start with /api/v1
                "--header",
                f"Authorization: Bearer {token}",
                "--max-examples",
                MAX_EXAMPLES,
                "--checks",
                CHECKS,
                "--request-timeout",
                "20",
                "--generation-database",
                "none",
                "--seed",
                "1",
                # Revoking the run's own token would turn every later request into a 401.
                "--exclude-path",
                "/api/v1/tokens/{token_id}",
                *extra,
            ]
            return subprocess.run(command, check=False).returncode  # noqa: S603
        finally:
            server.terminate()
            server.wait(30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
