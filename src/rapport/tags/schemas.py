"""Request and response shapes of /api/v1/tags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Schema
from pydantic import ConfigDict

from rapport.tags.models import Tag


class TagCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    color: str | None = None


class TagUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    color: str | None = None


class TagRead(Schema):
    id: int
    name: str
    color: str
    version: int
    created_at: dt.datetime


def tag_body(tag: Tag) -> dict[str, Any]:
    return TagRead.model_validate(tag, from_attributes=True).model_dump()
