"""Sending jobs (Django's Tasks API via django-tasks) only once the current transaction commits.

A job enqueued inside a transaction that later rolls back must never run, and a worker must never
pick up a job before the rows it reads are visible; so every job goes out through `on_commit`.
Jobs themselves must be safe to run twice: the worker may retry one that already did its work.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task


def resolve_job(job: Task[Any, Any] | str) -> Task[Any, Any]:
    """The job itself, or the one named by dotted path (so services need not import jobs.py)."""
    resolved = import_string(job) if isinstance(job, str) else job
    if not isinstance(resolved, Task):
        raise TypeError(f"{job!r} is not a job (decorate it with django_tasks.task)")
    return resolved


def enqueue_on_commit(job: Task[Any, Any] | str, *args: Any, **kwargs: Any) -> None:
    """Enqueue `job(*args, **kwargs)` after the current transaction commits (now if none).

    Services name their jobs by dotted path: an app's jobs.py sits above its services in the
    import layers (jobs call services), so the service may not import it.
    """
    resolved = resolve_job(job)  # fail inside the transaction, not after it
    transaction.on_commit(lambda: resolved.enqueue(*args, **kwargs), robust=False)
