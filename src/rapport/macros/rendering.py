"""Rendering canned responses: the email templates' Jinja sandbox over this app's merge fields.

The environment, its allowed syntax (no loops, calls, macros, `*` or `**`), its filters and its
output cap are emailtemplates.rendering's; only the merge field names differ (merge_fields.py).
A response is HTML, so every value is HTML-escaped before it is merged and the result is cleaned
again with core.richtext.clean_html: a requester named `<b>Ada</b>` stays text.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Mapping
from typing import Any

from jinja2 import Template, nodes
from jinja2.exceptions import TemplateSyntaxError

from rapport.core.errors import FieldError, Invalid
from rapport.core.richtext import clean_html
from rapport.emailtemplates import rendering as sandbox
from rapport.macros.merge_fields import MERGE_FIELDS, is_merge_field

MAX_OUTPUT = 100_000  # characters of rendered HTML
_OBJECTS = ", ".join(MERGE_FIELDS)


def _invalid(field: str, messages: list[str]) -> Invalid:
    return Invalid(messages[0], [FieldError((field,), message) for message in messages])


def _at(line: int | None, message: str) -> str:
    return f"Line {line}: {message}" if line else message


def check_text(field: str, source: str) -> None:
    """Invalid, on `field` with the line of each problem, unless the text can be rendered."""
    _compiled(field, source)


@functools.lru_cache(maxsize=256)
def _compiled(field: str, source: str) -> Template:
    try:
        tree = sandbox._ENV.parse(source)
        problems = _problems(tree)
        if problems:
            raise _invalid(field, problems)
        return sandbox._ENV.from_string(tree)
    except TemplateSyntaxError as exc:
        raise _invalid(field, [_at(exc.lineno, exc.message or "syntax error")]) from None
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        raise _invalid(field, [sandbox.TOO_DEEP]) from None


def _problems(tree: nodes.Template) -> list[str]:
    """The sandbox's own checks for everything but names, which are this app's merge fields."""
    found: set[tuple[int, str]] = set()
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        problem = _name_problem(node)
        if problem is None and not isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            problem = sandbox._node_problem(node)
        if problem is None:
            stack.extend(node.iter_child_nodes())
        else:
            found.add((node.lineno, problem))
    return [_at(line, message) for line, message in sorted(found)[: sandbox.MAX_PROBLEMS]]


def _name_problem(node: nodes.Node) -> str | None:
    if isinstance(node, nodes.Name):
        known = node.name in MERGE_FIELDS
        return None if known else f"unknown merge field {node.name!r}; use {_OBJECTS}"
    if not isinstance(node, nodes.Getattr | nodes.Getitem):
        return None
    key = sandbox._key(node)
    if key is None:
        return None  # a character or slice of a text
    parent = sandbox._path(node.node)
    if parent is None or len(parent) != 1:
        return f"only merge fields have fields, not {key!r}"
    if parent[0] not in MERGE_FIELDS:
        return f"unknown merge field {parent[0]!r}; use {_OBJECTS}"
    return None if is_merge_field(parent[0], key) else f"{parent[0]}.{key} is not a merge field"


def _escaped(value: Any) -> Any:
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, dict):
        return {key: _escaped(item) for key, item in value.items()}
    return value


def render_reply(field: str, source: str, context: Mapping[str, Any]) -> str:
    """`source` (HTML with merge fields) rendered with `context`, as clean HTML."""
    template = _compiled(field, source)
    parts: list[str] = []
    size = 0
    try:
        for chunk in template.generate(_escaped(dict(context))):
            size += len(chunk)
            if size > MAX_OUTPUT:
                raise Invalid.on(
                    field, f"The rendered text is longer than {MAX_OUTPUT:,} characters."
                )
            parts.append(chunk)
    except Invalid:
        raise
    except Exception:  # a user's expression meeting a record's values
        message = "An expression cannot be worked out with this ticket's values."
        raise Invalid.on(field, message) from None
    return clean_html("".join(parts))
