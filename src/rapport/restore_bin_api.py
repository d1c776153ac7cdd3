"""/api/v1/restore-bin: soft-deleted records the caller may restore, most recently deleted first.

Beside rapport/api.py (like audit_api.py) because it lists records of several apps. Restoring is
POST /api/v1/<records>/{id}/restore on the record's own resource.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, cast

from django.conf import settings
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from rapport.audit_api import RECORD_MODELS
from rapport.core.api_support import ListResponse, json_response, page_body, principal_of
from rapport.core.pagination import keyset_page, parse_sort
from rapport.core.permissions import visible
from rapport.core.restore_bin import restore_deadline
from rapport.core.tenancy import Record

PREFIX = "/restore-bin"
router = Router(tags=["restore bin"])


class BinParams(Schema):
    object_type: Literal["contact", "company", "activity"]
    limit: int = Field(50, ge=1, le=200)
    cursor: str | None = None


def _item(row: Model) -> dict[str, Any]:
    record = cast(Record, row)
    assert record.deleted_at is not None  # only rows of the bin reach here
    return {
        "id": record.pk,
        "object_type": record.OBJECT_TYPE,
        "title": str(record),
        "deleted_at": record.deleted_at,
        "restorable_until": restore_deadline(record.deleted_at),
    }


@router.get("", response=ListResponse)
def list_restore_bin(request: HttpRequest, params: Query[BinParams]) -> HttpResponse:
    """Records of one type in the bin that the caller may restore (their delete right)."""
    principal = principal_of(request)
    model = RECORD_MODELS[params.object_type]
    cutoff = timezone.now() - dt.timedelta(days=settings.RESTORE_BIN_DAYS)
    queryset = visible(
        principal, model._default_manager.all(), params.object_type, "delete", in_bin=True
    ).filter(deleted_at__gt=cutoff)
    keys = parse_sort("-deleted_at", {"deleted_at", "id"}, "-deleted_at")
    page = keyset_page(queryset, keys, params.limit, params.cursor)
    return json_response(page_body(page, _item, None))
