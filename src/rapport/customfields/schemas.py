"""Request and response shapes of /api/v1/custom-fields."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from rapport.core.api_support import RecordId
from rapport.customfields.models import CustomField


class CustomFieldCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    object_type: str
    key: str
    label: str
    field_type: str
    options: Any = None
    is_required: bool = False
    help_text: str = ""


class CustomFieldUpdate(Schema):
    """Only these can change; key, object_type and field_type are fixed (422 if sent)."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = None
    options: Any = None
    is_required: bool | None = None
    help_text: str | None = None
    position: int | None = None


class CustomFieldReorder(Schema):
    model_config = ConfigDict(extra="forbid")

    object_type: str
    field_ids: list[RecordId]


class CustomFieldRead(Schema):
    id: int
    object_type: str
    key: str
    label: str
    field_type: str
    options: Any
    is_required: bool
    help_text: str
    position: int
    version: int
    created_at: dt.datetime


def custom_field_body(field: CustomField) -> dict[str, Any]:
    return CustomFieldRead.model_validate(field, from_attributes=True).model_dump()
