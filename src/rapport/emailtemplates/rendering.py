"""Rendering email templates: a narrowed Jinja sandbox over plain dicts of permitted data.

Three fences, each enough against a different attack:

1. `check_template` (on every save, and before every render) accepts only the parts of Jinja a
   merge template needs: text, merge fields, `or`, `if`, comparisons, `~`, `+`, `-` and a short
   list of filters. No loop, macro, call, `*` or `**` can make a render slow or huge, and a
   misspelt merge field is refused with its line.
2. The environment, an ImmutableSandboxedEnvironment, reads keys of plain dicts and characters
   of strings, nothing else: no attribute, method or global of Python is reachable.
3. The output stops at MAX_OUTPUT characters.

The data comes from `queries.merge_context`: only the fields the principal may view. Emails are
plain text, so nothing is HTML-escaped, and a missing field renders as "" (hence fallbacks:
`{{ contact.first_name or "there" }}`, `{{ contact.first_name | default("there", true) }}`).
"""

from __future__ import annotations

import functools
import traceback
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from jinja2 import ChainableUndefined, Template, nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import ImmutableSandboxedEnvironment

from rapport.core.errors import FieldError, Invalid
from rapport.emailtemplates.merge_fields import CUSTOM, MERGE_FIELDS, is_merge_field

MAX_OUTPUT = {"subject": 1_000, "body": 100_000}  # characters of rendered text
MAX_PROBLEMS = 5  # reported per field and save
# Filters whose output grows at most linearly with their input (no replace, join, center, format).
FILTERS = (
    "default", "d", "upper", "lower", "title", "capitalize", "trim", "truncate", "first",
    "last", "length", "count", "wordcount", "round", "int", "float", "abs", "urlencode",
)  # fmt: skip
TESTS = (
    "defined", "undefined", "none", "number", "string", "true", "false", "eq", "ne", "lt", "le",
    "gt", "ge", "equalto", "in", "odd", "even", "divisibleby", "lower", "upper",
)  # fmt: skip
_ALLOWED = (
    nodes.Template, nodes.Output, nodes.TemplateData, nodes.If, nodes.CondExpr, nodes.Name,
    nodes.Getattr, nodes.Getitem, nodes.Slice, nodes.Const, nodes.Tuple, nodes.List,
    nodes.Filter, nodes.Test, nodes.Keyword, nodes.And, nodes.Or, nodes.Not, nodes.Neg,
    nodes.Pos, nodes.Compare, nodes.Operand, nodes.Concat, nodes.Add, nodes.Sub,
)  # fmt: skip
_REFUSED: tuple[tuple[type[nodes.Node] | tuple[type[nodes.Node], ...], str], ...] = (
    (nodes.For, "loops ({% for %}) are not supported in email templates"),
    ((nodes.Macro, nodes.CallBlock), "macros are not supported in email templates"),
    (nodes.Call, "calling functions is not supported in email templates"),
    ((nodes.Assign, nodes.AssignBlock), "{% set %} is not supported in email templates"),
    (
        (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends, nodes.Block),
        "{% include %}, {% import %}, {% extends %} and {% block %} are not supported",
    ),
    (
        (nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod, nodes.Pow),
        "only + and - are supported in calculations",
    ),
)
TOO_DEEP = "The template is nested too deeply or holds too long a number."
_UNSUPPORTED = "this part of Jinja is not supported in email templates"
_OBJECTS = ", ".join(MERGE_FIELDS)


class TemplateText(Protocol):
    """A subject and body to render: an EmailTemplate, or EmailContent typed in an editor."""

    @property
    def subject(self) -> str: ...

    @property
    def body(self) -> str: ...


@dataclass(frozen=True)
class EmailContent:
    subject: str
    body: str


@dataclass(frozen=True)
class RenderedEmail:
    subject: str  # one line: whitespace runs (newlines too) become one space
    body: str


class _MergeEnvironment(ImmutableSandboxedEnvironment):
    """Reads keys of plain dicts and characters of strings; anything else is undefined."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.getitem(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        try:
            if isinstance(obj, dict) and isinstance(argument, str) and argument[:1] != "_":
                return obj[argument]
            if isinstance(obj, str) and isinstance(argument, int | slice):
                return obj[argument]
        except (LookupError, TypeError):
            pass
        return self.undefined(obj=obj, name=argument)


def _finalize(value: Any) -> Any:
    """What `{{ }}` prints: a whole object (`{{ contact }}`) or None prints nothing."""
    return "" if value is None or isinstance(value, dict | list | tuple) else value


def _environment() -> _MergeEnvironment:
    env = _MergeEnvironment(
        autoescape=False,
        undefined=ChainableUndefined,  # renders "", and so does any field of it
        finalize=_finalize,
        trim_blocks=True,  # a line holding only {% if %} leaves no blank line in the email
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.clear()  # no range, cycler, joiner, lipsum, namespace or dict
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {name: env.tests[name] for name in TESTS}
    return env


_ENV = _environment()


# --- Checking -----------------------------------------------------------------------------------


def check_template(field: str, source: str) -> None:
    """Invalid, on `field` with the line of each problem, unless the source can be rendered."""
    _compiled(field, source)


def _at(line: int | None, message: str) -> str:
    return f"Line {line}: {message}" if line else message


def _invalid(field: str, messages: list[str]) -> Invalid:
    return Invalid(messages[0], [FieldError((field,), message) for message in messages])


@functools.lru_cache(maxsize=256)
def _compiled(field: str, source: str) -> Template:
    try:
        tree = _ENV.parse(source)
        problems = _problems(tree)
        if problems:
            raise _invalid(field, problems)
        return _ENV.from_string(tree)
    except TemplateSyntaxError as exc:
        raise _invalid(field, [_at(exc.lineno, exc.message or "syntax error")]) from None
    except (RecursionError, MemoryError, SyntaxError, ValueError):
        # Python's own limits: nesting too deep to parse, or a number of thousands of digits.
        raise _invalid(field, [TOO_DEEP]) from None


def _problems(tree: nodes.Template) -> list[str]:
    """What the template uses beyond merge fields, `if` and the allowed filters, by line."""
    found: set[tuple[int, str]] = set()
    stack: list[nodes.Node] = [tree]
    while stack:
        node = stack.pop()
        problem = _node_problem(node)
        if problem is None:
            stack.extend(node.iter_child_nodes())
        else:
            found.add((node.lineno, problem))
    return [_at(line, message) for line, message in sorted(found)[:MAX_PROBLEMS]]


def _node_problem(node: nodes.Node) -> str | None:
    if not isinstance(node, _ALLOWED):
        return next((msg for kind, msg in _REFUSED if isinstance(node, kind)), _UNSUPPORTED)
    if isinstance(node, nodes.Name) and node.name not in MERGE_FIELDS:
        return _unknown(node.name)
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        return _field_problem(node)
    if isinstance(node, nodes.Filter) and node.name not in FILTERS:
        return f"unknown filter {node.name!r}; use one of {', '.join(FILTERS)}"
    if isinstance(node, nodes.Test) and node.name not in TESTS:
        return f"unknown test {node.name!r}; use one of {', '.join(TESTS)}"
    return None


def _unknown(name: str) -> str:
    return f"unknown merge field {name!r}; use {_OBJECTS}"


def _key(node: nodes.Getattr | nodes.Getitem) -> str | None:
    """The field a `.name` or `["name"]` reads; None for an index or slice of a text."""
    if isinstance(node, nodes.Getattr):
        return node.attr
    arg = node.arg
    return arg.value if isinstance(arg, nodes.Const) and isinstance(arg.value, str) else None


def _path(node: nodes.Node) -> tuple[str, ...] | None:
    """("contact", "custom") for `contact.custom`; None when the node is not a merge field."""
    if isinstance(node, nodes.Name):
        return (node.name,)
    if isinstance(node, nodes.Getattr | nodes.Getitem):
        key, parent = _key(node), _path(node.node)
        return None if key is None or parent is None else (*parent, key)
    return None


def _field_problem(node: nodes.Getattr | nodes.Getitem) -> str | None:
    key = _key(node)
    if key is None:
        return None
    parent = _path(node.node)
    if parent is None:
        return f"only merge fields have fields, not {key!r}"
    if parent[0] not in MERGE_FIELDS:
        return _unknown(parent[0])
    if len(parent) == 1 and is_merge_field(parent[0], key):
        return None
    if parent[1:] == (CUSTOM,) and key[:1] != "_":
        return None
    if len(parent) == 1:
        return f"{parent[0]}.{key} is not a merge field"
    return f"{'.'.join(parent)} has no field {key!r}"


# --- Rendering ----------------------------------------------------------------------------------


def render_email(template: TemplateText, context: Mapping[str, Any]) -> RenderedEmail:
    """The subject and body rendered with `context` (plain dicts from `merge_context`).

    Invalid, on the field with its line, when the text is not a valid template, when a value
    breaks an expression (`{{ contact.custom.score + 1 }}` without a score) or when the output
    would pass MAX_OUTPUT.
    """
    subject = _render("subject", template.subject, context)
    body = _render("body", template.body, context)
    return RenderedEmail(subject=" ".join(subject.split()), body=body)


def _render(field: str, source: str, context: Mapping[str, Any]) -> str:
    limit = MAX_OUTPUT[field]
    parts: list[str] = []
    size = 0
    for chunk in _chunks(field, _compiled(field, source), context):
        size += len(chunk)
        if size > limit:
            raise Invalid.on(field, f"The rendered {field} is longer than {limit:,} characters.")
        parts.append(chunk)
    return "".join(parts)


def _chunks(field: str, compiled: Template, context: Mapping[str, Any]) -> Iterator[str]:
    try:
        yield from compiled.generate(dict(context))
    except Exception as exc:  # any failure here is a user's expression meeting a record's values
        message = "this expression cannot be worked out with this record's values"
        raise _invalid(field, [_at(_template_line(exc), message)]) from None


def _template_line(exc: BaseException) -> int | None:
    """The template line an error happened on (Jinja rewrites tracebacks to name it)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename == "<template>"]
    return frames[-1].lineno if frames else None
