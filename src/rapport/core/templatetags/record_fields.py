"""Template tags that show and edit a record's field from its API body (see core.field_specs).

Everything a user or API client stored is escaped here (format_html), never marked safe.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any, cast

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from rapport.core.field_specs import FieldSpec

register = template.Library()
EMPTY = format_html('<span class="muted">{}</span>', "—")


def _as_datetime(value: Any, time_zone: str) -> str:
    try:
        moment = (
            dt.datetime.fromisoformat(str(value)) if not isinstance(value, dt.datetime) else value
        )
    except ValueError:
        return str(value)
    if moment.tzinfo is not None:
        moment = moment.astimezone(zoneinfo.ZoneInfo(time_zone))
    return moment.strftime("%Y-%m-%d %H:%M")


def duration_text(seconds: int) -> str:
    """A length of time: "45 s", "12 min", "1 h 5 min"."""
    if seconds < 60:
        return f"{seconds} s"
    hours, minutes = divmod(round(seconds / 60), 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _flat(context: template.Context) -> dict[str, Any]:
    return cast(dict[str, Any], context.flatten())


def _label_of(spec: FieldSpec, value: Any) -> str:
    return dict(spec.choices).get(str(value), str(value))


def display(spec: FieldSpec, value: Any, context: dict[str, Any]) -> SafeString:
    """The value as HTML: links for emails, URLs, domains and related records, chips for tags."""
    if value in (None, "", [], {}):
        return EMPTY
    kind = spec.kind
    if kind == "emails":
        return format_html_join(
            ", ", '<a href="mailto:{}">{}</a>', ((e["email"], e["email"]) for e in value)
        )
    if kind == "phones":
        return format_html_join(
            ", ", '<a href="tel:{}">{}</a>', ((p["number"], p["number"]) for p in value)
        )
    if kind == "email":
        return format_html('<a href="mailto:{}">{}</a>', value, value)
    if kind == "phone":
        return format_html('<a href="tel:{}">{}</a>', value, value)
    if kind == "url":
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>', value, value
        )
    if kind == "domains":
        return format_html_join(
            ", ",
            '<a href="https://{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            ((d, d) for d in value),
        )
    if kind == "tags":
        return format_html_join("", '<span class="tag">{}</span>', ((t["name"],) for t in value))
    if kind == "boolean":
        return format_html("{}", "Yes" if value else "No")
    if kind == "choice":
        return format_html("{}", _label_of(spec, value))
    if kind == "multi_choice":
        return format_html_join(
            "", '<span class="tag">{}</span>', ((_label_of(spec, v),) for v in value)
        )
    if kind == "currency":
        return format_html("{} {}", value.get("amount", ""), value.get("currency", ""))
    if kind == "user":
        members = context.get("members") or {}
        return format_html("{}", members.get(value, f"User #{value}"))
    if kind == "company":
        names = context.get("company_names") or {}
        return format_html(
            '<a href="/companies/{}">{}</a>', value, names.get(value, f"Company #{value}")
        )
    if kind == "record":
        return format_html('<a href="{}">{}</a>', value["url"], value["name"])
    if kind == "duration":
        return format_html("{}", duration_text(int(value)))
    if kind == "datetime":
        return format_html("{}", _as_datetime(value, context.get("time_zone", "UTC")))
    return format_html("{}", value)


@register.simple_tag(takes_context=True)
def field_display(context: template.Context, spec: FieldSpec, body: dict[str, Any]) -> SafeString:
    return display(spec, spec.value_in(body), _flat(context))


def _input_value(spec: FieldSpec, value: Any, time_zone: str) -> Any:
    """The value as the input shows it (what the user typed wins when the form comes back)."""
    if value is None:
        return ""
    if spec.kind == "emails":
        return "\n".join(e["email"] for e in value)
    if spec.kind == "phones":
        return "\n".join(f"{p['kind']}: {p['number']}" for p in value)
    if spec.kind == "tags":
        return ", ".join(t["name"] for t in value)
    if spec.kind == "domains":
        return "\n".join(value)
    if spec.kind == "datetime":
        return _as_datetime(value, time_zone).replace(" ", "T")
    return value


@register.simple_tag(takes_context=True)
def field_input(
    context: template.Context,
    spec: FieldSpec,
    body: dict[str, Any] | None = None,
    posted: Any = None,
    errors: Any = None,
    autofocus: bool = False,
) -> str:
    """The input for `spec`, filled from `posted` (a QueryDict after a failed save) or `body`."""
    flat = _flat(context)
    time_zone = str(flat.get("time_zone", "UTC"))
    name = spec.input_name
    if posted and (name in posted or spec.kind in {"multi_choice", "boolean"}):
        value: Any = posted.getlist(name) if spec.kind == "multi_choice" else posted.get(name, "")
        currency = posted.get(f"{name}__currency", "")
    else:
        raw = spec.value_in(body or {})
        value = _input_value(spec, raw, time_zone)
        currency = raw.get("currency", "") if isinstance(raw, dict) else ""
        if spec.kind == "currency":
            value = raw.get("amount", "") if isinstance(raw, dict) else ""
    if spec.kind == "company":
        value = (flat.get("company_names") or {}).get(value, value) if value else ""
    return render_to_string(
        "fields/_input.html",
        {
            "spec": spec,
            "name": name,
            "id": f"field-{name}",
            "value": value,
            "currency": currency or spec.options.get("currency", ""),
            "errors": errors or [],
            "members": flat.get("member_choices", []),
            "autofocus": autofocus,
        },
    )


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """`{{ names|get_item:body.company_id }}`: a dict lookup by a variable key."""
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.filter
def humanize(value: Any) -> str:
    """A stored value as words: "sales_qualified" -> "Sales qualified"."""
    return str(value or "").replace("_", " ").capitalize()


@register.filter
def audit_value(value: Any) -> str:
    """A before/after value of the audit log as short text (lists joined, objects flattened)."""
    if value in (None, "", [], {}):
        return "—"
    if isinstance(value, list):
        return ", ".join(audit_value(v) for v in value)
    if isinstance(value, dict):
        if "email" in value or "number" in value or "name" in value:
            return str(value.get("email") or value.get("number") or value.get("name"))
        return ", ".join(f"{k}: {audit_value(v)}" for k, v in value.items())
    return str(value)
