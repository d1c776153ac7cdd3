"""GET /kb/suggest: articles that may answer a ticket (`ticket=<id>`: its subject and first
customer message) or what is being typed (`q=`), as an htmx fragment with "Insert link"
buttons for the reply editor named by `target`: `GET /kb/articles/<id>/link` answers with a
`<template data-richtext-insert>` that static/rapport/richtext.js puts at the editor's caret.

The ticket page embeds it with
`<div hx-get="/kb/suggest?ticket=<id>&target=<reply editor id>" hx-trigger="load"></div>`.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from rapport.core.pages import page_principal, render_partial
from rapport.core.permissions import require
from rapport.knowledge import queries
from rapport.tickets.queries import get_ticket, messages_of
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "article"
_TARGET = re.compile(r"^[A-Za-z][\w-]{0,60}$")
DEFAULT_TARGET = "rt-body"
MAX_MESSAGE = 5_000  # characters of the first message that are read for its words


def _ticket_text(request: HttpRequest, ticket_id: int) -> tuple[str, str]:
    """The ticket's subject and its first customer message (NotFound if not visible)."""
    principal = page_principal(request)
    ticket = get_ticket(principal, ticket_id)
    conversation = messages_of(principal, ticket.pk, include_notes=False)
    first = next((m for m in conversation if m.kind == "customer"), None)
    return ticket.subject, (first.body_text[:MAX_MESSAGE] if first else "")


@require_GET
@member_required
def suggest(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    raw_ticket = request.GET.get("ticket", "")
    target = target_of(request)
    if raw_ticket.isdigit() and len(raw_ticket) < 19:
        subject, message = _ticket_text(request, int(raw_ticket))
        hits = queries.suggest_articles(principal, subject, message)
    else:
        hits = queries.suggest_articles(principal, request.GET.get("q", "")[:500])
    context = {"hits": hits, "target": target, "from_ticket": bool(raw_ticket)}
    return render_partial(request, "knowledge/_suggest.html", context)


def target_of(request: HttpRequest) -> str:
    """The reply editor's textarea id (`target`), or the default one."""
    target = request.GET.get("target", DEFAULT_TARGET)
    return target if _TARGET.match(target) else DEFAULT_TARGET


def article_url(article_id: int) -> str:
    """Where an inserted link points: the article's page in the app. (Public articles will
    point to the portal once it exists.)"""
    return f"{settings.BASE_URL}/kb/articles/{article_id}"


@require_GET
@member_required
def article_link(request: HttpRequest, article_id: int) -> HttpResponse:
    """The article's title as a link, wrapped for the editor to insert."""
    article = queries.get_article(page_principal(request), article_id)
    context = {"article": article, "target": target_of(request), "url": article_url(article.pk)}
    return render_partial(request, "knowledge/_link.html", context)
