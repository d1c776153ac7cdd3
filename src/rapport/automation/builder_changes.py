"""The workflow builder's edits: add a step or condition, remove, move (see automation.builder).

A builder button posts the form with a `change` such as `add-step:steps-0-then:add_tag`,
`remove:cond-1`, `up:steps-2` or `add-condition:steps-0-if`: an action and the form prefix of
the list, group or item it acts on. These pure functions make the change on the definition the
form holds; the page then draws the builder again from the result.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from typing import Any

from rapport.automation.builder import Definition, as_group, group_rows

NEW_STEPS: dict[str, dict[str, Any]] = {
    "update_field": {"field": "", "value": None},
    "assign_owner": {"mode": "user"},
    "add_tag": {"tag": ""},
    "remove_tag": {"tag": ""},
    "create_task": {
        "subject": "", "body": "", "due_in_days": 1, "assignee": "owner", "priority": "normal",
    },
    "create_activity": {"kind": "note", "subject": "", "body": ""},
    "send_email": {"to": "contact"},
    "notify": {"recipients": "owner", "title": "", "body": ""},
    "create_record": {"object_type": "company", "fields": {}},
    "http_post": {"url": "https://", "timeout_seconds": 10},
    "wait": {"days": 1, "hours": 0, "minutes": 0},
    "branch": {"if": {"all": [{"field": "", "op": "eq"}]}, "then": [], "else": []},
}  # fmt: skip
STARTER: Definition = {
    "trigger": {"type": "record_created", "object_type": "contact"},
    "steps": [],
}


def step_ids(steps: Sequence[Any]) -> Iterator[str]:
    for step in steps:
        if isinstance(step, dict):
            yield str(step.get("id", ""))
            yield from step_ids(step.get("then") or [])
            yield from step_ids(step.get("else") or [])


def new_step(kind: str, definition: Definition) -> dict[str, Any]:
    """A step of this type with the builder's defaults and an id not yet used (s1, s2, ...)."""
    taken = set(step_ids(definition.get("steps") or []))
    number = next(n for n in range(1, len(taken) + 2) if f"s{n}" not in taken)
    return {"id": f"s{number}", "type": kind, **copy.deepcopy(NEW_STEPS[kind])}


def _node(definition: Definition, path: list[str]) -> Any:
    """The step list, step, condition group or condition a form prefix names."""
    node: Any = definition
    for part in path:
        if part == "cond" and node is definition:
            node = definition.setdefault("conditions", {"all": []})
            definition["conditions"] = node = as_group(node)
        elif part.isdigit():
            node = (node[group_rows(node)[0]] if isinstance(node, dict) else node)[int(part)]
        elif part == "if":
            node = node.setdefault("if", {"all": []})
        else:  # steps, then, else
            node = node.setdefault(part, [])
    return node


def _siblings(definition: Definition, path: list[str]) -> tuple[list[Any], int]:
    parent = _node(definition, path[:-1])
    items = parent[group_rows(parent)[0]] if isinstance(parent, dict) else parent
    return items, int(path[-1])


def _edit(definition: Definition, action: str, path: list[str], arg: str) -> None:
    if action == "add-step" and arg in NEW_STEPS:
        _node(definition, path).append(new_step(arg, definition))
    elif action in ("add-condition", "add-group"):
        leaf = {"field": "", "op": "eq"}
        group = _node(definition, path)
        group[group_rows(group)[0]].append({"all": [leaf]} if action == "add-group" else leaf)
    elif action == "remove":
        items, index = _siblings(definition, path)
        del items[index]
    elif action in ("up", "down"):
        items, index = _siblings(definition, path)
        other = index - 1 if action == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]


def apply_change(definition: Definition, change: str) -> Definition:
    """The definition after one builder edit, e.g. `add-step:steps-0-then:add_tag`,
    `remove:cond-1`, `up:steps-2`, `add-condition:steps-0-if`; unknown edits change nothing."""
    action, _, rest = change.partition(":")
    target, _, arg = rest.partition(":")
    edited = copy.deepcopy(definition)
    try:
        _edit(edited, action, target.split("-") if target else [], arg)
    except (IndexError, KeyError, TypeError, AttributeError, ValueError):
        return definition
    return edited


def focus_after(definition: Definition, change: str) -> str:
    """The form prefix of what a change added (to put the cursor in it), else ""."""
    action, _, rest = change.partition(":")
    target = rest.partition(":")[0]
    if action not in ("add-step", "add-condition", "add-group") or not target:
        return ""
    try:
        node = _node(copy.deepcopy(definition), target.split("-"))
    except (IndexError, KeyError, TypeError, AttributeError, ValueError):
        return ""
    items = node[group_rows(node)[0]] if isinstance(node, dict) else node
    return f"{target}-{len(items) - 1}" if items else ""
