"""Request and response shapes of /api/v1/saved-views."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.savedviews.models import SavedView

# Bounded here so an absurd number is a 422, not an overflow in the database driver.
Position = Annotated[int, Field(ge=0, le=2**31 - 1)]


class SavedViewCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    object_type: str
    name: str
    is_shared: bool = False
    columns: list[str] = Field(default_factory=list, description="field names, in order")
    filters: list[str] = Field(default_factory=list, description="field:operator:value terms")
    sort: str = Field("", description="as the lists' sort parameter; '' keeps the default")
    position: Position | None = None


class SavedViewUpdate(Schema):
    """Only these can change; object_type and owner are fixed (422 if sent)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    is_shared: bool | None = None
    columns: list[str] | None = None
    filters: list[str] | None = None
    sort: str | None = None
    position: Position | None = None


class SavedViewRead(Schema):
    id: int
    object_type: str
    name: str
    is_shared: bool
    owner_id: int | None
    columns: list[str]
    filters: list[str]
    sort: str
    position: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def saved_view_body(view: SavedView) -> dict[str, Any]:
    return SavedViewRead.model_validate(view, from_attributes=True).model_dump()
