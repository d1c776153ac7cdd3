"""Quote numbers under concurrency: two transactions taking a number at the same moment (the
year's counter row not even there yet) get two different numbers."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from rapport.quotes.models import QuoteCounter
from rapport.quotes.services import next_number
from tests.conftest import make_workspace


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL runs writers side by side; SQLite's IMMEDIATE transactions queue them",
)
def test_numbers_taken_at_once_differ() -> None:
    workspace = make_workspace("Concurrent")
    start = threading.Barrier(3)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def take() -> None:
        try:
            start.wait(timeout=5)
            with transaction.atomic():
                numbers.append(next_number(workspace.pk, 2031))
                time.sleep(0.3)  # hold the counter's lock while the others wait on it
        except BaseException as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    assert errors == []
    assert sorted(numbers) == ["Q-2031-0001", "Q-2031-0002", "Q-2031-0003"]
    assert QuoteCounter.objects.get(workspace=workspace, year=2031).last == 3
