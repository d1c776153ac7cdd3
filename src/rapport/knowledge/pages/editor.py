"""Writing articles: the editor (save a draft or publish), the article's actions (publish,
unpublish, archive, delete) and restoring an earlier version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Conflict, Invalid, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal
from rapport.core.permissions import require
from rapport.knowledge import queries, services
from rapport.knowledge.forms import ArticleForm
from rapport.knowledge.models import Article, ArticleCategory
from rapport.workspaces.auth import member_required

OBJECT_TYPE = "article"
STALE = (
    "Someone changed this article while you were editing. Copy your text, reload, and save again."
)


def _categories(request: HttpRequest) -> list[ArticleCategory]:
    return [node["category"] for top in queries.category_tree(page_principal(request))
            for node in (top, *top["children"])]  # fmt: skip


def _newest(article: Article) -> dict[str, Any]:
    """What the editor starts from: the pending draft if there is one, else the article."""
    source: Any = article
    if article.pending_version is not None:
        source = article.versions.get(number=article.pending_version)
    return {"title": source.title, "body": source.body_html}


def _editor(
    request: HttpRequest, form: ArticleForm, body: str, article: Article | None, status: int = 200,
    body_errors: list[str] | None = None,
) -> HttpResponse:  # fmt: skip
    context = {"form": form, "body": body, "article": article, "body_errors": body_errors or []}
    return render(request, "knowledge/editor.html", context, status=status)


def _save(request: HttpRequest, form: ArticleForm, article: Article | None) -> Article:
    """Create or update from the valid form and the posted body; publish when asked."""
    principal = page_principal(request)
    publish = request.POST.get("action") == "publish"
    data = {**form.cleaned_data, "body": request.POST.get("body", "")}
    if article is None:
        return services.create_article(principal, data, publish=publish)
    version = int(request.POST.get("version", "0") or 0) or None
    return services.update_article(principal, article.pk, data, version, publish=publish)


def _editor_view(request: HttpRequest, article: Article | None) -> HttpResponse:
    categories = _categories(request)
    if request.method == "GET":
        initial: dict[str, Any] = {
            "visibility": "internal",
            "category_id": request.GET.get("category"),
        }
        if article is not None:
            initial = {**_newest(article), "visibility": article.visibility,
                       "category_id": article.category_id}  # fmt: skip
        form = ArticleForm(initial=initial, categories=categories)
        return _editor(request, form, str(initial.get("body", "")), article)
    form = ArticleForm(request.POST, categories=categories)
    body = request.POST.get("body", "")
    if not form.is_valid():
        return _editor(request, form, body, article, 422)
    try:
        saved = _save(request, form, article)
    except Invalid as exc:
        body_errors = [e.msg for e in exc.errors if e.loc[:1] == ("body",)]
        others = [e for e in exc.errors if e.loc[:1] != ("body",)]
        if others or not body_errors:
            add_service_errors(form, Invalid(exc.detail, others))
        return _editor(request, form, body, article, 422, body_errors)
    except PreconditionFailed:
        form.add_error(None, STALE)
        return _editor(request, form, body, article, 409)
    live = saved.status == "published" and saved.pending_version is None
    messages.success(request, "Published." if live and request.POST.get("action") == "publish"
                     else "Draft saved.")  # fmt: skip
    return redirect(f"/kb/articles/{saved.pk}")


@require_http_methods(["GET", "POST"])
@member_required
def new_article(request: HttpRequest) -> HttpResponse:
    require(page_principal(request), "create", OBJECT_TYPE)
    return _editor_view(request, None)


@require_http_methods(["GET", "POST"])
@member_required
def edit_article(request: HttpRequest, article_id: int) -> HttpResponse:
    principal = page_principal(request)
    article = queries.get_article(principal, article_id)
    require(principal, "edit", OBJECT_TYPE, article)
    return _editor_view(request, article)


ACTIONS = {
    "publish": (services.publish_article, "The article is live."),
    "unpublish": (services.unpublish_article, "The article is a draft again."),
    "archive": (services.archive_article, "The article was archived."),
}


@require_POST
@member_required
def article_action(request: HttpRequest, article_id: int, action: str) -> HttpResponse:
    """Publish, unpublish, archive or delete from the article's page."""
    principal = page_principal(request)
    if action == "delete":
        services.delete_article(principal, article_id)
        messages.success(request, "The article was moved to the restore bin.")
        return redirect("/kb")
    write, done = ACTIONS[action]
    try:
        write(principal, article_id, None)
        messages.success(request, done)
    except Invalid as exc:
        messages.error(request, exc.errors[0].msg if exc.errors else exc.detail)
    except Conflict as exc:
        messages.error(request, exc.detail)
    return redirect(f"/kb/articles/{article_id}")


@require_POST
@member_required
def restore_version(request: HttpRequest, article_id: int, number: int) -> HttpResponse:
    principal = page_principal(request)
    publish = request.POST.get("publish") == "on"
    article = services.restore_version(principal, article_id, number, publish=publish)
    if article.pending_version is not None:
        messages.success(request, f"Version {number} was copied into a draft: publish it to "
                                  "put it live.")  # fmt: skip
    else:
        messages.success(request, f"Version {number} was restored.")
    return redirect(f"/kb/articles/{article_id}")
