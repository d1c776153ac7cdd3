"""/api/v1/restore-bin: soft-deleted records the caller may restore, most recently deleted first.

Beside rapport/api.py (like audit_api.py) because it lists records of several apps. Restoring is
POST /api/v1/<records>/{id}/restore on the record's own resource.
"""

from __future__ import annotations

from typing import Any, Literal, cast

from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema

from rapport.audit_api import RECORD_MODELS
from rapport.core.api_support import ListResponse, json_response, page_body, principal_of
from rapport.core.restore_bin import list_bin, restore_deadline
from rapport.core.tenancy import Record

PREFIX = "/restore-bin"
router = Router(tags=["restore bin"])


class BinParams(Schema):
    object_type: Literal["contact", "company", "activity", "deal", "product", "ticket", "article"]
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
    model = cast(type[Record], RECORD_MODELS[params.object_type])
    page = list_bin(principal_of(request), model, params.limit, params.cursor)
    return json_response(page_body(page, _item, None))
