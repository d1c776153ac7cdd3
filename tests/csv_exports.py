"""Helpers for the CSV export tests: reading a streamed file, and custom fields of every type."""

from __future__ import annotations

import csv
import io
from typing import Any

from rapport.core.permissions import Principal
from rapport.customfields.models import FIELD_TYPES
from rapport.customfields.services import create_custom_field
from rapport.workspaces.models import User

SELECT_OPTIONS = [{"value": "a"}, {"value": "b"}, {"value": "c"}]


def read_csv(response: Any) -> list[list[str]]:
    """The rows of a streamed CSV export, header first."""
    assert response.status_code == 200, response.json()
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text, newline="")))


def make_every_custom_field(
    principal: Principal, object_type: str, user: User
) -> tuple[dict[str, Any], dict[str, str]]:
    """A field of each type, keyed by the type's name: a value to store and the cell it exports to.

    The text value and the phone need the formula guard; `user` is the member the user field
    names, exported as their email.
    """
    for field_type in FIELD_TYPES:
        options: Any = None
        if field_type in ("single_select", "multi_select"):
            options = SELECT_OPTIONS
        elif field_type == "currency":
            options = {"currency": "EUR"}
        create_custom_field(
            principal,
            object_type=object_type,
            key=field_type,
            label=field_type.replace("_", " ").title(),
            field_type=field_type,
            options=options,
        )
    stored_and_cell: dict[str, tuple[Any, str]] = {
        "text": ("=1+2", "'=1+2"),
        "long_text": ("line one\nline two", "line one\nline two"),
        "integer": (-42, "-42"),
        "decimal": ("12.50", "12.50"),
        "currency": ({"amount": "99.90"}, "99.90 EUR"),
        "date": ("2026-01-31", "2026-01-31"),
        "datetime": ("2026-01-31T09:30:00+02:00", "2026-01-31T07:30:00+00:00"),
        "boolean": (True, "true"),
        "single_select": ("b", "b"),
        "multi_select": (["c", "a"], "a; c"),
        "url": ("https://example.com/x?a=1", "https://example.com/x?a=1"),
        "email": ("Ada@Example.com", "ada@example.com"),
        "phone": ("+12015550123", "'+12015550123"),
        "user": (user.pk, user.email),
    }
    assert set(stored_and_cell) == set(FIELD_TYPES)
    values = {key: stored for key, (stored, _) in stored_and_cell.items()}
    cells = {f"custom.{key}": cell for key, (_, cell) in stored_and_cell.items()}
    return values, cells
