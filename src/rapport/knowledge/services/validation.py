"""Checks of what writers send: every field's problems are reported at once, by field name."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from rapport.core.errors import FieldError, Invalid
from rapport.core.richtext import clean_html, html_to_text
from rapport.knowledge.models import VISIBILITIES, ArticleCategory

MAX_TITLE = 200
MAX_BODY = 200_000  # characters of HTML as sent
MAX_NOTE = 300
MAX_SLUG = 120
MAX_COMMENT = 2_000
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Control characters other than tab and newline: PostgreSQL text refuses NUL, and \x02/\x03
# mark matched words in search snippets (queries.fulltext), so article text never holds them.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(value: str) -> str:
    return _CONTROL.sub("", value)


def clean_text(value: Any, name: str, limit: int, required: bool) -> str:
    if not isinstance(value, str):
        raise Invalid.on(name, f"The {name} must be text.")
    text = plain(value).strip()
    if required and not text:
        raise Invalid.on(name, f"Give the article a {name}.")
    if len(text) > limit:
        raise Invalid.on(name, f"The {name} has at most {limit:,} characters.")
    return text


def clean_body(value: Any) -> tuple[str, str]:
    """(sanitised HTML, its plain text) of a body sent as HTML or as plain text."""
    if not isinstance(value, str):
        raise Invalid.on("body", "The body must be text or HTML.")
    if len(value) > MAX_BODY:
        raise Invalid.on("body", f"The body has at most {MAX_BODY:,} characters.")
    body_html = plain(clean_html(value))
    return body_html, plain(html_to_text(body_html))


def clean_slug(value: Any) -> str:
    slug = value.strip().lower() if isinstance(value, str) else ""
    if not slug or len(slug) > MAX_SLUG or not _SLUG.match(slug):
        raise Invalid.on(
            "slug", "Use lower-case letters, digits and single hyphens (at most 120 characters)."
        )
    return slug


def clean_category(value: Any, categories: QuerySet[ArticleCategory]) -> int | None:
    if value in (None, ""):
        return None
    try:
        category_id = int(value)
    except (TypeError, ValueError):
        category_id = 0
    if category_id < 1 or not categories.filter(pk=category_id).exists():
        raise Invalid.on("category_id", "Choose one of this knowledge base's categories.")
    return category_id


def clean_visibility(value: Any) -> str:
    if value not in VISIBILITIES:
        raise Invalid.on("visibility", "Choose internal (staff only) or public.")
    return str(value)


def clean_article(changes: dict[str, Any], categories: QuerySet[ArticleCategory]) -> dict[str, Any]:
    """The given article fields, checked; `body` becomes `body_html` and `body_text`."""
    cleaners: dict[str, Callable[[Any], dict[str, Any]]] = {
        "title": lambda v: {"title": clean_text(v, "title", MAX_TITLE, required=True)},
        "body": lambda v: dict(zip(("body_html", "body_text"), clean_body(v), strict=True)),
        "slug": lambda v: {"slug": clean_slug(v)},
        "category_id": lambda v: {"category_id": clean_category(v, categories)},
        "visibility": lambda v: {"visibility": clean_visibility(v)},
        "note": lambda v: {"note": clean_text(v or "", "note", MAX_NOTE, required=False)},
    }
    unknown = sorted(set(changes) - set(cleaners))
    if unknown:
        raise Invalid.on(unknown[0], "Unknown or read-only field.")
    cleaned: dict[str, Any] = {}
    problems: list[FieldError] = []
    for name, value in changes.items():
        try:
            cleaned.update(cleaners[name](value))
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned
