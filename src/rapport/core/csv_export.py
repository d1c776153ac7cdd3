"""CSV exports: choosing columns, flattening values into cells, and streaming the file.

Each app turns a record into a row (a dict of column -> value, `contacts.schemas.contact_row`);
this module writes the chosen columns of each row. The header row holds the API's field names,
so a file goes back in through an import unchanged.

Formula injection: a cell that a spreadsheet would run as a formula gets a leading apostrophe.
defusedcsv does that for cells starting with = + - @ | % (and, inside such a cell, turns each
"|" into "\\|"); this module adds a leading tab or carriage return, and a leading apostrophe so
that the mark is never ambiguous. An importer therefore reverses it exactly: drop one leading
"'" and, when what remains starts with = + - @ % or "\\|", turn each "\\|" back into "|".
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from typing import Any

from defusedcsv import csv as defused_csv
from django.http import StreamingHttpResponse
from django.utils import timezone

from rapport.core.errors import Invalid

LIST_SEPARATOR = "; "  # joins a many-valued field (emails, tags, multi-select) into one cell
FLUSH_AT = 64 * 1024  # characters of CSV gathered before a piece of the response is sent
_ALSO_GUARDED = ("\t", "\r", "'")  # leading characters defusedcsv leaves alone
# The OpenAPI description of an export's 200 response (ninja would describe it as JSON).
OPENAPI_RESPONSES = {
    "responses": {
        200: {
            "description": "A CSV file (UTF-8, header row of API field names), streamed.",
            "content": {"text/csv": {"schema": {"type": "string"}}},
        }
    }
}


def chosen_columns(available: list[str], raw: str | None) -> list[str]:
    """The `fields` parameter (a comma list) in the order given, or every available column."""
    names = [name.strip() for name in (raw or "").split(",") if name.strip()]
    if not names:
        return available
    unknown = sorted(set(names) - set(available))
    if unknown:
        raise Invalid.on("fields", f"Unknown fields: {', '.join(unknown)}.")
    return list(dict.fromkeys(names))


def cell(value: Any) -> Any:
    """A value as one cell: lists joined, booleans true/false, dates ISO 8601, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):  # datetimes too
        return value.isoformat()
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(str(cell(item)) for item in value)
    return value


def _guarded(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_ALSO_GUARDED):
        return "'" + value
    return value


def _csv_pieces(columns: list[str], rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = defused_csv.writer(buffer)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_guarded(cell(row[column])) for column in columns])
        if buffer.tell() >= FLUSH_AT:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def csv_response(
    name: str, columns: list[str], rows: Iterable[dict[str, Any]]
) -> StreamingHttpResponse:
    """`<name>-<YYYYMMDD-HHMM>.csv` (UTC) as a download, written while `rows` are read.

    Rows are consumed lazily, so the caller must have checked rights and input already: once
    the first piece is sent, an error can only cut the file short.
    """
    response = StreamingHttpResponse(
        _csv_pieces(columns, rows), content_type="text/csv; charset=utf-8"
    )
    stamp = timezone.now().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.csv"'
    response["Cache-Control"] = "no-store"  # personal data: no copy in shared caches
    return response
