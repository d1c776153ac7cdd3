"""The workflow builder's form: its posted fields <-> a definition dict.

The builder page keeps no state in the browser. Each of its buttons (add a step, remove a
condition, move a step) posts the whole form with a `change`, and the server answers with the
builder drawn again from what was posted plus that change, so nothing typed is lost. These pure
functions are that round trip: `definition_from_post` reads the structured names
(`trigger-type`, `cond-0-field`, `steps-1-then-0-tag` ...) into a definition dict, keeping what
was typed even when it is not valid (the services say what is wrong); `post_from_definition`
writes a definition back as those names; `input_name` turns a service error's location into the
name of the input it is about. The buttons' edits are in automation.builder_changes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from rapport.automation.definitions import TRIGGER_TYPES

Post = Mapping[str, Sequence[str]]  # QueryDict.lists() as a dict: name -> values
Definition = dict[str, Any]

TRIGGER_FIELDS: dict[str, tuple[str, ...]] = {
    "record_created": ("object_type",),
    "record_updated": ("object_type",),
    "record_deleted": ("object_type",),
    "manual": ("object_type",),
    "field_changed": ("object_type", "field", "from", "to"),
    "date": ("object_type", "field", "offset_days", "at", "every_year"),
    "no_activity": ("object_type", "days"),
    "schedule": ("object_type", "weekdays", "at"),
    "webhook": ("object_type",),
}
# Whole numbers: typed text that is not one is kept as typed, for the service to name.
INTEGERS = frozenset(
    {"offset_days", "days", "hours", "minutes", "due_in_days", "timeout_seconds", "template_id",
     "user_id", "team_id", "fallback_team_id", "fallback_user_id"}
)  # fmt: skip
BY_TERRITORY = ("then", "fallback_team_id", "fallback_user_id")  # assign_owner by territory
OPTIONAL = frozenset({"object_type", "from", "to"})  # left out of the definition when blank
NOT_EMPTY = "is-not-empty"  # the builder's operator for is-empty:false
MAX_DEPTH = 60  # dashes in a form prefix; branches and groups never nest this deep


# --- Reading the form ---------------------------------------------------------------------------


def _one(post: Post, name: str) -> str:
    values = post.get(name) or [""]
    return str(values[-1])


def _number(raw: str) -> int | str:
    text = raw.strip()
    return int(text) if re.fullmatch(r"-?\d{1,18}", text) else raw


def _indexes(post: Post, prefix: str, markers: tuple[str, ...]) -> list[int]:
    """The row numbers under `prefix` (a row is known by one of its marker inputs)."""
    if prefix.count("-") > MAX_DEPTH:
        return []  # deeper than any valid definition: a crafted post, read no further
    pattern = re.compile(rf"{re.escape(prefix)}-(\d{{1,4}})-(?:{'|'.join(markers)})")
    return sorted({int(m.group(1)) for key in post if (m := pattern.fullmatch(key))})


def _read(post: Post, prefix: str, names: Sequence[str]) -> dict[str, Any]:
    """Plain fields: text as typed; whole numbers as numbers (left out when blank)."""
    data: dict[str, Any] = {}
    for name in names:
        raw = _one(post, f"{prefix}-{name}")
        if (name in INTEGERS or name in OPTIONAL) and raw.strip() == "":
            continue
        data[name] = _number(raw) if name in INTEGERS else raw
    return data


def _trigger(post: Post) -> dict[str, Any]:
    kind = _one(post, "trigger-type")
    names = TRIGGER_FIELDS.get(kind, ("object_type",))
    trigger = {"type": kind, **_read(post, "trigger", [n for n in names if n != "weekdays"])}
    if "weekdays" in names:
        trigger["weekdays"] = [_number(v) for v in post.get("trigger-weekdays", [])]
    if "every_year" in names:
        trigger["every_year"] = _one(post, "trigger-every_year") == "true"
    return trigger


def _condition_group(post: Post, prefix: str) -> dict[str, Any]:
    match = "any" if _one(post, f"{prefix}-match") == "any" else "all"
    rows = []
    for i in _indexes(post, prefix, ("field", "match")):
        row = f"{prefix}-{i}"
        rows.append(_condition_group(post, row) if row + "-match" in post else _leaf(post, row))
    return {match: rows}


def _leaf(post: Post, prefix: str) -> dict[str, Any]:
    op = _one(post, f"{prefix}-op")
    leaf: dict[str, Any] = {"field": _one(post, f"{prefix}-field"), "op": op}
    if op in ("is-empty", NOT_EMPTY):
        return {**leaf, "op": "is-empty", "value": "false" if op == NOT_EMPTY else "true"}
    value = _one(post, f"{prefix}-value")
    return {**leaf, "value": value} if value != "" else leaf


def _typed_value(raw: str, kind: str) -> Any:
    """update_field's value by the kind of field it sets (the form says which)."""
    if raw.strip() == "":
        return None
    if kind == "integer":
        return _number(raw)
    if kind == "number":
        try:
            return float(raw)
        except ValueError:
            return raw
    if kind == "boolean" and raw in ("true", "false"):
        return raw == "true"
    if kind == "list":
        return [part.strip() for part in raw.split(",") if part.strip()]
    return raw


def _pairs(raw: str) -> dict[str, str]:
    """create_record's fields, one `name: value` a line."""
    pairs = {}
    for line in raw.splitlines():
        name, _, value = line.partition(":")
        if name.strip():
            pairs[name.strip()] = value.strip()
    return pairs


def _step_fields(post: Post, prefix: str, kind: str) -> dict[str, Any]:
    def get(name: str) -> str:
        return _one(post, f"{prefix}-{name}")

    if kind == "update_field":
        return {"field": get("field"), "value": _typed_value(get("value"), get("value_kind"))}
    if kind == "assign_owner":
        mode = get("mode")
        who = {"user": ("user_id",), "territory": BY_TERRITORY}.get(mode, ("team_id",))
        return {"mode": mode, **_read(post, prefix, who)}
    if kind == "create_task":
        assignee = get("assignee")
        data = _read(post, prefix, ("subject", "body", "due_in_days", "priority"))
        return {**data, "assignee": assignee if assignee in ("owner", "") else _number(assignee)}
    if kind == "send_email":
        user = ("user_id",) if get("to") == "user" else ()
        return _read(post, prefix, ("template_id", "to", *user))
    if kind == "notify":
        ids = [_number(v) for v in post.get(f"{prefix}-recipient_ids", [])]
        recipients = ids if get("recipients") == "users" else "owner"
        return {"recipients": recipients, **_read(post, prefix, ("title", "body"))}
    if kind == "create_record":
        return {"object_type": get("object_type"), "fields": _pairs(get("fields"))}
    if kind == "wait":
        if get("wait_for") == "until":
            return _read(post, prefix, ("until_field", "offset_days", "at"))
        return _read(post, prefix, ("days", "hours", "minutes"))
    if kind == "branch":
        return {
            "if": _condition_group(post, f"{prefix}-if"),
            "then": _steps(post, f"{prefix}-then"),
            "else": _steps(post, f"{prefix}-else"),
        }
    return _read(post, prefix, PLAIN_STEP_FIELDS.get(kind, ()))


PLAIN_STEP_FIELDS: dict[str, tuple[str, ...]] = {
    "add_tag": ("tag",),
    "remove_tag": ("tag",),
    "create_activity": ("kind", "subject", "body"),
    "http_post": ("url", "timeout_seconds"),
}


def _steps(post: Post, prefix: str) -> list[dict[str, Any]]:
    steps = []
    for i in _indexes(post, prefix, ("type",)):
        row = f"{prefix}-{i}"
        kind = _one(post, f"{row}-type")
        step: dict[str, Any] = {"id": _one(post, f"{row}-id"), "type": kind}
        if name := _one(post, f"{row}-name"):
            step["name"] = name
        steps.append({**step, **_step_fields(post, row, kind)})
    return steps


def definition_from_post(post: Post) -> Definition:
    """The definition the builder form holds, as typed."""
    definition: Definition = {"trigger": _trigger(post)}
    conditions = _condition_group(post, "cond")
    if next(iter(conditions.values())):
        definition["conditions"] = conditions
    definition["steps"] = _steps(post, "steps")
    return definition


def object_type_of(definition: Definition) -> str | None:
    """The record type the definition's trigger is about, if any."""
    trigger = definition.get("trigger")
    value = trigger.get("object_type") if isinstance(trigger, dict) else None
    return str(value) if value else None


# --- Writing the form ---------------------------------------------------------------------------


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(_text(v) for v in value)
    return "" if value is None else str(value)


def value_kind(value: Any) -> str:
    """How update_field's value reads back (see _typed_value)."""
    kinds: list[tuple[type | tuple[type, ...], str]] = [
        (bool, "boolean"), (int, "integer"), (float, "number"), (list, "list"),
    ]  # fmt: skip
    return next((kind for cls, kind in kinds if isinstance(value, cls)), "text")


def as_group(condition: Any) -> dict[str, Any]:
    """A condition tree as a group: a lone field test (the API allows it) is all-of-one."""
    if isinstance(condition, dict) and ("all" in condition or "any" in condition):
        return condition
    return {"all": [condition] if condition else []}


def group_rows(group: dict[str, Any]) -> tuple[str, list[Any]]:
    match = "any" if "any" in group else "all"
    return match, list(group.get(match) or [])


def is_group(condition: Any) -> bool:
    return isinstance(condition, dict) and ("all" in condition or "any" in condition)


def _put_group(out: dict[str, list[str]], prefix: str, group: dict[str, Any]) -> None:
    match, rows = group_rows(group)
    out[f"{prefix}-match"] = [match]
    for i, row in enumerate(rows):
        name = f"{prefix}-{i}"
        if is_group(row):
            _put_group(out, name, row)
            continue
        row = row if isinstance(row, dict) else {}
        op, value = row.get("op") or "", row.get("value")
        if op == "is-empty":
            op, value = (NOT_EMPTY if _text(value) == "false" else op), None
        out |= {f"{name}-field": [_text(row.get("field"))], f"{name}-op": [op]}
        out[f"{name}-value"] = [_text(value)]


def _step_post(step: dict[str, Any]) -> dict[str, list[str]]:
    """A step's own inputs, without the prefix: {"field": [...], ...}."""
    kind = step.get("type")
    own = {k: v for k, v in step.items() if k not in ("id", "type", "name", "if", "then", "else")}
    if kind == "update_field":
        own["value_kind"] = value_kind(step.get("value"))
    if kind == "assign_owner" and "then" in step:  # a mode here, not a branch's steps
        own["then"] = step["then"]
    if kind == "notify":
        recipients = step.get("recipients", "owner")
        users = isinstance(recipients, list)
        own = {**own, "recipients": "users" if users else recipients}
        own["recipient_ids"] = [_text(r) for r in recipients] if users else []
    if kind == "create_record" and isinstance(step.get("fields"), dict):
        own["fields"] = "\n".join(f"{k}: {_text(v)}" for k, v in step["fields"].items())
    if kind == "wait":
        own["wait_for"] = "until" if step.get("until_field") else "duration"
    return {k: v if k == "recipient_ids" else [_text(v)] for k, v in own.items()}


def _put_steps(out: dict[str, list[str]], prefix: str, steps: Sequence[Any]) -> None:
    for i, step in enumerate(steps):
        name = f"{prefix}-{i}"
        step = step if isinstance(step, dict) else {}
        out |= {f"{name}-id": [_text(step.get("id"))], f"{name}-type": [_text(step.get("type"))]}
        out[f"{name}-name"] = [_text(step.get("name"))]
        out |= {f"{name}-{k}": v for k, v in _step_post(step).items()}
        if step.get("type") == "branch":
            _put_group(out, f"{name}-if", as_group(step.get("if")))
            _put_steps(out, f"{name}-then", step.get("then") or [])
            _put_steps(out, f"{name}-else", step.get("else") or [])


def post_from_definition(definition: Definition) -> dict[str, list[str]]:
    """The builder form's inputs holding this definition."""
    trigger = definition.get("trigger") or {}
    out: dict[str, list[str]] = {"trigger-type": [_text(trigger.get("type"))]}
    for name, value in trigger.items():
        if name == "weekdays":
            out["trigger-weekdays"] = [_text(v) for v in value or []]
        elif name == "every_year":
            out["trigger-every_year"] = ["true"] if value else []
        elif name != "type":
            out[f"trigger-{name}"] = [_text(value)]
    _put_group(out, "cond", as_group(definition.get("conditions")))
    _put_steps(out, "steps", definition.get("steps") or [])
    return out


# --- Errors -------------------------------------------------------------------------------------

_LISTS = ("steps", "then", "else")


def input_name(loc: Sequence[str | int]) -> str:
    """The builder input (or block) a service error's location names:
    ("definition", "steps", 2, "then", 0, "field") -> "steps-2-then-0-field",
    ("definition", "conditions", "all", 1, "op") -> "cond-1-op", ("name",) -> "name"."""
    parts = list(loc[1:] if loc and loc[0] == "definition" else loc)
    names: list[str] = []
    for i, part in enumerate(parts):
        if part == "conditions":
            names.append("cond")
        elif part in ("all", "any"):
            continue
        elif names == ["trigger"] and part in TRIGGER_TYPES:
            continue  # pydantic names the trigger's type in the path
        elif isinstance(part, int) and i == len(parts) - 1 and names and names[-1] not in _LISTS:
            names = [*names[:-1], "recipient_ids"] if names[-1] == "recipients" else names
        else:
            names.append(str(part))
    return "-".join(names)
