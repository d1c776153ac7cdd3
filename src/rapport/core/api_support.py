"""API mechanics every resource shares: ETags and If-Match, Idempotency-Key, list parameters.

A resource's api.py stays thin: it parses with these helpers, calls one service, and answers
with `record_response`. Errors are raised as core errors; the API root renders problem+json.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Annotated, Any, TypeVar

import orjson
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Field, Schema

from rapport.core.audit import jsonable
from rapport.core.errors import (
    Conflict,
    Invalid,
    PreconditionFailed,
    PreconditionRequired,
    Unauthenticated,
)
from rapport.core.models import IdempotencyRecord
from rapport.core.pagination import Page
from rapport.core.permissions import Principal

T = TypeVar("T", bound=models.Model)
DEFAULT_LIMIT = 50
REPLAYED_HEADER = "Idempotent-Replayed"
_STORED_HEADERS = ("ETag", "Location")

# Ids are 64-bit database keys; bounding them in the schema turns an absurd id into a 422 (and
# tells API clients the range) instead of an overflow deep in the database driver.
MAX_ID = 2**63 - 1
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def principal_of(request: HttpRequest) -> Principal:
    """The Principal the API's auth attached to the request (typed, for handlers)."""
    principal = getattr(request, "auth", None)
    if not isinstance(principal, Principal):
        raise Unauthenticated("Send a valid bearer token or sign in.")
    return principal


# --- Responses ----------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    """What orjson cannot write itself (decimals, models), as the audit log writes it."""
    converted = jsonable(value)
    if converted is value:
        raise TypeError(f"{type(value).__name__} is not JSON serialisable")
    return converted


def json_response(
    body: Any, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    content = orjson.dumps(body, default=_json_default, option=orjson.OPT_NON_STR_KEYS)
    response = HttpResponse(content, status=status, content_type="application/json")
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def etag_of(record: Any) -> str:
    """`"<id>-<version>"`, as Record.etag; also for versioned settings rows (tags, fields)."""
    return f'"{record.pk}-{record.version}"'


def record_response(
    record: Any, body: dict[str, Any], status: int = 200, location: str | None = None
) -> HttpResponse:
    """A record's JSON with its ETag (and Location when it was just created)."""
    headers = {"ETag": etag_of(record)}
    if location:
        headers["Location"] = location
    return json_response(body, status, headers)


def no_content() -> HttpResponse:
    return HttpResponse(status=204)


# --- If-Match -----------------------------------------------------------------------------------


def expected_version(request: HttpRequest, record_id: int) -> int:
    """The version named by If-Match (an ETag `"<id>-<version>"`); 428 if missing, 412 if foreign.

    The service compares it with the row it locks, so a stale version is reported there (412).
    """
    raw = request.headers.get("If-Match", "").strip()
    if not raw:
        raise PreconditionRequired("Send If-Match with the record's ETag to change it.")
    for candidate in (part.strip() for part in raw.split(",")):
        tag = candidate.removeprefix("W/").strip('"')
        record_part, _, version_part = tag.rpartition("-")
        if record_part == str(record_id) and version_part.isdigit():
            return int(version_part)
    raise PreconditionFailed("If-Match does not name this record; fetch it again.")


# --- Idempotency-Key ----------------------------------------------------------------------------


def _principal_key(principal: Principal) -> str:
    if principal.token_id is not None:
        return f"token:{principal.token_id}"
    if principal.user_id is not None:
        return f"user:{principal.user_id}"
    return "system"


def _body_hash(raw: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(raw or b"null"), sort_keys=True).encode()
    except (ValueError, UnicodeDecodeError):
        canonical = raw
    return hashlib.sha256(canonical).hexdigest()


def _replay(stored: IdempotencyRecord, request_hash: str) -> HttpResponse:
    if stored.request_hash != request_hash:
        raise Invalid.on(
            "Idempotency-Key",
            "This Idempotency-Key was used with a different body; use a new key.",
        )
    response = HttpResponse(bytes(stored.body), status=stored.status)
    response["Content-Type"] = "application/json"
    for name, value in stored.headers.items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def idempotent(
    request: HttpRequest, principal: Principal, write: Callable[[], HttpResponse]
) -> HttpResponse:
    """Run a POST's write once per Idempotency-Key, storing its response in the same transaction.

    Without the header the write simply runs in a transaction. A repeat with the same body
    replays the stored response; with a different body it is refused (422).
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        with transaction.atomic():
            return write()
    if len(key) > 200:
        raise Invalid.on("Idempotency-Key", "The Idempotency-Key is at most 200 characters.")
    request_hash = _body_hash(request.body)
    scope = {"workspace_id": principal.workspace_id, "principal_key": _principal_key(principal)}
    stored = IdempotencyRecord.objects.filter(**scope, key=key).first()
    if stored is not None:
        return _replay(stored, request_hash)
    try:
        with transaction.atomic():
            response = write()
            if response.status_code < 300:
                IdempotencyRecord.objects.create(
                    **scope,
                    key=key,
                    request_hash=request_hash,
                    status=response.status_code,
                    body=response.content,
                    headers={h: response[h] for h in _STORED_HEADERS if response.has_header(h)},
                )
    except IntegrityError as exc:
        # Another request with this key committed first; ours rolled back entirely.
        raise Conflict("A request with this Idempotency-Key is already being handled.") from exc
    return response


# --- Lists --------------------------------------------------------------------------------------


class ListParams(Schema):
    """Query parameters every list endpoint accepts."""

    filter: list[str] = Field(default_factory=list, description="field:operator:value")
    sort: str | None = Field(None, description="comma list; '-' for descending")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=200)
    cursor: str | None = None
    fields: str | None = Field(None, description="comma list of keys to keep in each item")


class ExportParams(Schema):
    """Query parameters of a CSV export: a list's filter and sort, and the columns to write."""

    filter: list[str] = Field(default_factory=list, description="field:operator:value")
    sort: str | None = Field(None, description="comma list; '-' for descending")
    fields: str | None = Field(
        None, description="comma list of columns; default: every standard column, then custom.*"
    )


class ListResponse(Schema):
    items: list[dict[str, Any]]
    next_cursor: str | None
    total: int
    total_is_capped: bool


def selected_fields(raw: str | None, allowed: Iterable[str]) -> set[str] | None:
    """The `fields` parameter as a set (always with id); None keeps every key."""
    if not raw:
        return None
    names = {n.strip() for n in raw.split(",") if n.strip()}
    unknown = sorted(names - set(allowed))
    if unknown:
        raise Invalid.on("fields", f"Unknown fields: {', '.join(unknown)}.")
    return names | {"id"}


def page_body(
    page: Page[T], serialize: Callable[[T], dict[str, Any]], fields: set[str] | None
) -> dict[str, Any]:
    items = [serialize(item) for item in page.items]
    if fields is not None:
        items = [{k: v for k, v in item.items() if k in fields} for item in items]
    return {
        "items": items,
        "next_cursor": page.next_cursor,
        "total": page.total,
        "total_is_capped": page.total_is_capped,
    }
