"""The Settings forms of canned responses and macros as plain functions: a post becomes the
services' input, a stored macro becomes the form's values, a service error lands on its input."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from rapport.core.errors import Invalid

KEEP = ""  # a select's "leave it as it is"
CLEAR = "none"  # a select's "clear it"


def error_map(exc: Invalid) -> dict[str, list[str]]:
    """Service errors by form input: ("actions", "message", "body") -> "message_body"."""
    errors: dict[str, list[str]] = {}
    for item in exc.errors or []:
        parts = [str(p) for p in item.loc if str(p) != "actions"]
        key = "_".join(parts[:2]) if parts[:1] == ["message"] else (parts[0] if parts else "")
        errors.setdefault(key or "form", []).append(item.msg)
    if not exc.errors:
        errors["form"] = [exc.detail]
    return errors


def canned_input(post: QueryDict) -> dict[str, Any]:
    return {
        "title": post.get("title", ""),
        "body": post.get("body", ""),
        "is_shared": post.get("is_shared") == "on",
    }


def _tags(raw: str) -> list[str]:
    return [name.strip() for name in raw.split(",") if name.strip()]


def _ref(raw: str) -> int | str | None:
    return int(raw) if raw.isdigit() else raw


def macro_actions(post: QueryDict) -> dict[str, Any]:
    """The actions the form sets; KEEP leaves a field out, CLEAR sends null."""
    actions: dict[str, Any] = {}
    for name in ("status", "priority", "type"):
        value = post.get(name, KEEP)
        if value != KEEP:
            actions[name] = "" if value == CLEAR else value
    for name in ("team_id", "assignee_id"):
        value = post.get(name, KEEP)
        if value != KEEP:
            actions[name] = None if value == CLEAR else _ref(value)
    for name in ("add_tags", "remove_tags"):
        if _tags(post.get(name, "")):
            actions[name] = _tags(post.get(name, ""))
    kind = post.get("message_kind", "")
    if kind:
        canned = post.get("message_canned", "")
        message: dict[str, Any] = {"kind": kind}
        if canned.isdigit():
            message["canned_response_id"] = int(canned)
        else:
            message["body"] = post.get("message_body", "")
        actions["message"] = message
    return actions


def macro_input(post: QueryDict) -> dict[str, Any]:
    return {
        "title": post.get("title", ""),
        "description": post.get("description", ""),
        "actions": macro_actions(post),
    }


def macro_values(title: str, description: str, actions: dict[str, Any]) -> dict[str, Any]:
    """A stored macro as the form's values (the inverse of macro_input)."""
    values: dict[str, Any] = {"title": title, "description": description}
    for name in ("status", "priority", "type", "team_id", "assignee_id"):
        if name in actions:
            value = actions[name]
            values[name] = CLEAR if value in (None, "") else str(value)
    for name in ("add_tags", "remove_tags"):
        values[name] = ", ".join(actions.get(name, []))
    message = actions.get("message") or {}
    values["message_kind"] = message.get("kind", "")
    values["message_canned"] = str(message.get("canned_response_id") or "")
    values["message_body"] = message.get("body", "")
    return values


def posted_values(post: QueryDict) -> dict[str, Any]:
    """What the user typed, to show again with the errors."""
    return {key: post.get(key, "") for key in post if key != "csrfmiddlewaretoken"}
