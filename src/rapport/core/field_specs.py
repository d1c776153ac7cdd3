"""How pages show, edit, filter and sort one field of a record, standard or custom.

A page works on the record's API body (the dict the API returns), so a page and the API always
agree on values. A FieldSpec says where the value sits in that body, how to draw an input for
it, and how to turn what the browser posts back into the service's input (the same dict shape
the API's PATCH takes), so pages and API share one validation path.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from rapport.core.errors import Invalid

# Input kinds a page can draw; each maps to a widget in templates/fields/_input.html.
KINDS = (
    "text", "long_text", "integer", "decimal", "currency", "date", "datetime", "boolean",
    "choice", "multi_choice", "url", "email", "phone", "user", "emails", "phones", "tags",
    "domains", "company", "readonly",
)  # fmt: skip
# Kinds lists only show, never edit: a link to a related record ({"url", "name"}, which the
# page puts in the body) and a length of time given in seconds.
DISPLAY_KINDS = ("record", "duration")
CUSTOM_KINDS = {
    "text": "text", "long_text": "long_text", "integer": "integer", "decimal": "decimal",
    "currency": "currency", "date": "date", "datetime": "datetime", "boolean": "boolean",
    "single_select": "choice", "multi_select": "multi_choice", "url": "url", "email": "email",
    "phone": "phone", "user": "user",
}  # fmt: skip
CUSTOM_PREFIX = "custom."


@dataclass(frozen=True)
class FieldSpec:
    """One field as pages see it. `name` is the API name; custom fields are `custom.<key>`."""

    name: str
    label: str
    kind: str = "text"
    choices: tuple[tuple[str, str], ...] = ()
    sortable: bool = False
    filterable: bool = True
    editable: bool = True
    required: bool = False
    help_text: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    filter_name: str = ""  # the list filter's name when it differs ("emails" -> "email")

    @property
    def filter_key(self) -> str | None:
        """The name list filters use for this field, or None when it cannot be filtered."""
        return (self.filter_name or self.name) if self.filterable else None

    @property
    def is_custom(self) -> bool:
        return self.name.startswith(CUSTOM_PREFIX)

    @property
    def key(self) -> str:
        """The name without the `custom.` prefix (the custom field's key)."""
        return self.name.removeprefix(CUSTOM_PREFIX)

    @property
    def input_name(self) -> str:
        """A form-safe name for the input (dots confuse CSS selectors and some tools)."""
        return self.name.replace(".", "__")

    def value_in(self, body: Mapping[str, Any]) -> Any:
        """This field's value in a record's API body."""
        if self.is_custom:
            return (body.get("custom") or {}).get(self.key)
        return body.get(self.name)


def choices_of(values: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    """(value, label) pairs from stored values: "sales_qualified" -> "Sales qualified"."""
    return tuple((v, v.replace("_", " ").capitalize()) for v in values)


def _lines(raw: str) -> list[str]:
    return [line.strip() for line in raw.replace(",", "\n").splitlines() if line.strip()]


def _datetime(raw: str, time_zone: str) -> str:
    """A datetime-local value, read in the workspace's time zone, with its offset."""
    value = dt.datetime.fromisoformat(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=zoneinfo.ZoneInfo(time_zone))
    return value.isoformat()


def _phones(raw: str) -> list[dict[str, Any]]:
    """One phone per line, optionally "mobile: +44 20 7946 0958"; the first is primary."""
    rows = []
    for i, line in enumerate(line for line in raw.splitlines() if line.strip()):
        kind, _, number = line.partition(":") if ":" in line else ("work", "", line)
        rows.append({"number": number.strip(), "kind": kind.strip().lower(), "is_primary": i == 0})
    return rows


def posted_value(spec: FieldSpec, post: QueryDict, time_zone: str) -> Any:
    """What the browser posted for `spec`, as the service (and the API) take it.

    Empty inputs become None (clear the value); the service validates everything else and
    reports problems on the field's name.
    """
    name = spec.input_name
    if spec.kind in {"multi_choice"}:
        return post.getlist(name)
    raw = post.get(name, "").strip()
    if spec.kind == "boolean":
        return {"true": True, "false": False}.get(raw)
    if spec.kind == "emails":
        return [{"email": e, "is_primary": i == 0} for i, e in enumerate(_lines(raw))]
    if spec.kind == "phones":
        return _phones(post.get(name, ""))
    if spec.kind in {"tags", "domains"}:  # one per line or comma-separated: a list of strings
        return _lines(raw)
    if spec.kind == "currency":
        amount = raw
        currency = post.get(f"{name}__currency", "").strip() or spec.options.get("currency")
        return {"amount": amount, "currency": currency} if amount else None
    if raw == "":
        return None if spec.kind not in {"text", "long_text"} or spec.is_custom else ""
    if spec.kind == "datetime":
        try:
            return _datetime(raw, time_zone)
        except ValueError:
            return raw  # the service reports it
    if spec.kind == "user":
        return int(raw) if raw.isdigit() else raw
    return raw


def service_data(specs: list[FieldSpec], post: QueryDict, time_zone: str) -> dict[str, Any]:
    """The service input for the posted fields (custom ones nested under "custom").

    Unchecked checkboxes post nothing, so a multi-choice field absent from the post is cleared.
    """
    data: dict[str, Any] = {}
    for spec in specs:
        if spec.input_name not in post and spec.kind != "multi_choice":
            continue  # not on the form: leave it to the service's default or current value
        value = posted_value(spec, post, time_zone)
        if spec.is_custom:
            data.setdefault("custom", {})[spec.key] = value
        else:
            data[spec.name] = value
    return data


def errors_by_input(
    error: Invalid, specs: list[FieldSpec]
) -> tuple[dict[str, list[str]], list[str]]:
    """A service's field errors keyed by input name, and the ones no input shows."""
    names = {spec.name: spec.input_name for spec in specs}
    by_input: dict[str, list[str]] = {}
    other: list[str] = []
    for item in error.errors:
        parts = [str(p) for p in item.loc]
        head = next(
            (names[c] for c in (".".join(parts[:2]), parts[0] if parts else "") if c in names), None
        )
        if head is None:
            other.append(item.msg)
        else:
            by_input.setdefault(head, []).append(item.msg)
    if not error.errors:
        other.append(error.detail)
    return by_input, other
