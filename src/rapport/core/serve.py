"""`rapport serve`: the production web server, gunicorn running `rapport.wsgi:application`.

Stateless: sessions, cache and jobs live in the database (or Redis), so several servers can run
side by side on different ports behind a load balancer. Defaults come from settings (HOST, PORT,
WEB_CONCURRENCY, WEB_THREADS); flags override them for one run.
"""

from __future__ import annotations

import argparse
import gc
import os
from typing import Any

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    """Gunicorn configured from a dict instead of argv or a config file."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported in each worker (no preload): workers never share a database connection.
        from rapport.wsgi import application

        # Everything loaded so far lives as long as the worker: move it out of the collector's
        # sight, so a full collection during a request scans only what requests allocated.
        gc.collect()
        gc.freeze()
        return application


def parse_args(argv: list[str]) -> argparse.Namespace:
    from django.conf import settings

    parser = argparse.ArgumentParser(prog="rapport serve", description=__doc__)
    parser.add_argument("--host", default=settings.HOST)
    parser.add_argument("--port", type=int, default=settings.PORT)
    parser.add_argument("--workers", type=int, default=settings.WEB_CONCURRENCY)
    parser.add_argument("--threads", type=int, default=settings.WEB_THREADS)
    parser.add_argument(
        "--no-collectstatic",
        action="store_true",
        help="skip `collectstatic` (when another server sharing STATIC_ROOT already ran it)",
    )
    parser.add_argument("--quiet", action="store_true", help="no access log")
    return parser.parse_args(argv)


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "bind": f"{args.host}:{args.port}",
        "workers": max(1, args.workers),
        "threads": max(1, args.threads),
        "worker_class": "gthread",
        "timeout": 60,
        "graceful_timeout": 20,
        "keepalive": 5,
        "accesslog": None if args.quiet else "-",
        "errorlog": "-",
        "access_log_format": '%(h)s "%(r)s" %(s)s %(b)s %(M)sms',
        "proc_name": "rapport-web",
        "forwarded_allow_ips": "127.0.0.1,::1",
        # One fixed control socket path per user would clash between servers run side by side.
        "control_socket_disable": True,
    }


def serve(argv: list[str]) -> None:
    """Collect static files, then run gunicorn in the foreground until it is signalled."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    import django
    from django.core.management import call_command
    from django.db import connections

    django.setup()
    args = parse_args(argv)
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()  # nothing opened before the fork may leak into the workers
    _Gunicorn(gunicorn_options(args)).run()
