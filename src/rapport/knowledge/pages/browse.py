"""/kb (search, categories, recent and most helpful), an article, its feedback and history."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Invalid
from rapport.core.pages import page_principal, render_partial
from rapport.core.permissions import Principal, can, require
from rapport.knowledge import queries, services
from rapport.knowledge.models import Article
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "article"
PAGE_SIZE = 50
SEARCH_RESULTS = 20
SHELVES = {"drafts": "draft", "archived": "archived"}  # editors' lists by status


def rights(principal: Principal, article: Article | None = None) -> dict[str, bool]:
    return {
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_edit": can(principal, "edit", OBJECT_TYPE, article),
        "can_delete": can(principal, "delete", OBJECT_TYPE, article),
    }


def _list(principal: Principal, request: HttpRequest, extra: Q, sort: str) -> Any:
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort=sort, limit=PAGE_SIZE, cursor=cursor, fields=None)
    return queries.list_articles(principal, params, extra)


@require_GET
@member_required
def kb_home(request: HttpRequest) -> HttpResponse:
    """Search, a category's articles, the editors' drafts and archive, or the front page."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    q = request.GET.get("q", "").strip()[:200]
    shelf = request.GET.get("shelf", "")
    context: dict[str, Any] = {
        "q": q,
        "tree": queries.category_tree(principal),
        **rights(principal),
    }
    category_id = request.GET.get("category", "")
    if q:
        context["hits"] = queries.search_articles(principal, q, limit=SEARCH_RESULTS)
    elif category_id.isdigit() and len(category_id) < 19:
        category = queries.get_category(principal, int(category_id))
        extra = Q(category=category, status="published")
        context.update(category=category, page=_list(principal, request, extra, "title"))
    elif shelf in SHELVES and queries.may_write(principal):
        extra = Q(status=SHELVES[shelf])
        context.update(shelf=shelf, page=_list(principal, request, extra, "-updated_at"))
    else:
        context.update(
            recent=queries.recent_articles(principal),
            helpful=queries.most_helpful_articles(principal),
        )
    return render(request, "knowledge/home.html", context)


@require_GET
@member_required
def article_page(request: HttpRequest, article_id: int) -> HttpResponse:
    principal = page_principal(request)
    article = queries.get_article(principal, article_id)
    context = {
        "article": article,
        "feedback": queries.my_feedback(principal, article),
        **rights(principal, article),
    }
    return render(request, "knowledge/article.html", context)


@require_POST
@member_required
def article_feedback(request: HttpRequest, article_id: int) -> HttpResponse:
    """Yes / No (and a comment) from the article page; htmx swaps the answer in place."""
    principal = page_principal(request)
    answer = request.POST.get("is_helpful", "")
    status, error = 200, ""
    try:
        if answer not in ("yes", "no"):
            raise Invalid.on("is_helpful", "Choose Yes or No.")
        feedback = services.record_feedback(
            principal, article_id, answer == "yes", request.POST.get("comment", "")
        )
    except Invalid as exc:
        status, error, feedback = 422, exc.errors[0].msg if exc.errors else exc.detail, None
    article = queries.get_article(principal, article_id)
    context = {"article": article, "feedback": feedback or queries.my_feedback(principal, article),
               "feedback_error": error, "thanks": status == 200,
               "comment": request.POST.get("comment", "")}  # fmt: skip
    return render_partial(request, "knowledge/_feedback.html", context, status)


@require_GET
@member_required
def version_list(request: HttpRequest, article_id: int) -> HttpResponse:
    principal = page_principal(request)
    article = queries.get_article(principal, article_id)
    page = queries.list_versions(principal, article_id, PAGE_SIZE, request.GET.get("cursor"))
    context = {"article": article, "page": page, **rights(principal, article)}
    return render(request, "knowledge/versions.html", context)


@require_GET
@member_required
def version_page(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    principal = page_principal(request)
    version = queries.get_version(principal, article_id, number)
    article = version.article
    context = {"article": article, "version": version, **rights(principal, article)}
    return render(request, "knowledge/version.html", context)
