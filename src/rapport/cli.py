"""The `rapport` command: a thin front to Django's management commands and the servers.

rapport serve [--port N] [--workers N]   production web server (gunicorn)
rapport worker                           jobs, the scheduler and the event dispatcher
rapport scheduler                        the scheduler and event dispatcher alone
rapport migrate                          apply database migrations
rapport createworkspace NAME EMAIL       a workspace and its owner
rapport demo                             seed the demo workspace (once)
rapport <any Django management command>
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rapport.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    command = args[0] if args else "help"
    if command == "serve":
        from rapport.core.serve import serve

        serve(args[1:])
        return
    from django.core.management import execute_from_command_line

    execute_from_command_line(["rapport", *args])


if __name__ == "__main__":
    main()
