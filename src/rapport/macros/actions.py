"""What a macro does, as data: `MacroActions`, validated when a macro is saved.

Every key is optional and only the keys set are stored, so "leave the priority alone" and
"clear the team" differ: `team_id: null` clears, no `team_id` keeps. `assignee_id` may be "me",
the agent who applies the macro. A message is a public reply or an internal note, written out
or taken from a shared canned response; its merge fields are filled when the macro is applied.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from rapport.core.errors import FieldError, Invalid
from rapport.tickets.models import PRIORITIES, STATUSES, TYPES

SETTABLE_STATUSES = tuple(s for s in STATUSES if s != "new")
MAX_TAGS = 20


class MacroMessage(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["reply", "note"] = Field(description="a public reply or an internal note")
    body: str = Field("", description="rich text with merge fields (when no canned response)")
    canned_response_id: int | None = Field(None, description="a shared canned response to send")


class MacroActions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: Literal[SETTABLE_STATUSES] | None = None  # type: ignore[valid-type]
    priority: Literal[PRIORITIES] | None = None  # type: ignore[valid-type]
    type: Literal[(*TYPES, "")] | None = Field(None, description='"" clears the type')  # type: ignore[valid-type]
    team_id: int | None = Field(None, description="null clears the team")
    assignee_id: int | Literal["me"] | None = Field(
        None, description='a member, "me" (who applies the macro), or null to unassign'
    )
    add_tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    remove_tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    message: MacroMessage | None = None


def parse_actions(raw: Any) -> MacroActions:
    """The actions, or Invalid naming each wrong one (`actions.status`, `actions.message.body`)."""
    try:
        actions = MacroActions.model_validate(raw)
    except ValidationError as exc:
        errors = [
            FieldError(("actions", *(str(p) for p in e["loc"])), e["msg"]) for e in exc.errors()
        ]
        raise Invalid(errors[0].msg, errors) from None
    if not stored(actions):
        raise Invalid.on("actions", "A macro needs at least one action.")
    return actions


def stored(actions: MacroActions) -> dict[str, Any]:
    """The actions as stored: the keys that were set (tag lists only when not empty)."""
    data = actions.model_dump(exclude_unset=True)
    for key in ("add_tags", "remove_tags"):
        names = [n.strip() for n in data.get(key, []) if n.strip()]
        if names:
            data[key] = list(dict.fromkeys(names))
        else:
            data.pop(key, None)
    if data.get("message") is not None:
        data["message"] = actions.message.model_dump() if actions.message else None
    return data
