"""Reads of articles, their versions and categories, through `visible` like every read."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from rapport.core.api_support import ListParams
from rapport.core.errors import NotFound
from rapport.core.filters import FilterField, filters_q
from rapport.core.pagination import Page, keyset_page, parse_sort
from rapport.core.permissions import Principal, can, require, visible
from rapport.knowledge.models import Article, ArticleCategory, ArticleFeedback, ArticleVersion

OBJECT_TYPE = "article"  # the grant articles and categories follow
LIST_FILTERS = {
    "title": FilterField("title"),
    "slug": FilterField("slug"),
    "status": FilterField("status", "choice"),
    "visibility": FilterField("visibility", "choice"),
    "category_id": FilterField("category_id", "id"),
    "author_id": FilterField("author_id", "id"),
    "published_at": FilterField("published_at", "datetime"),
    "updated_at": FilterField("updated_at", "datetime"),
    "helpful_count": FilterField("helpful_count", "integer"),
}
LIST_SORTS = {"title", "updated_at", "published_at", "helpful_count", "created_at", "id"}
CATEGORY_SORTS = {"position", "name", "id"}
MAX_CATEGORIES = 500  # a knowledge base has tens; the pages show them all


def may_write(principal: Principal) -> bool:
    """Whether the principal writes articles (create or edit); only writers see drafts."""
    return can(principal, "create", OBJECT_TYPE) or can(principal, "edit", OBJECT_TYPE)


def visible_articles(principal: Principal) -> QuerySet[Article]:
    """Articles the principal may read: drafts are for those who write articles."""
    qs = visible(principal, Article.objects.all(), OBJECT_TYPE)
    return qs if may_write(principal) else qs.exclude(status="draft")


def my_feedback(principal: Principal, article: Article) -> ArticleFeedback | None:
    """The principal's own answer on the article, if they gave one."""
    if principal.user_id is None:
        return None
    return ArticleFeedback.objects.filter(article=article, user_id=principal.user_id).first()


def list_articles(
    principal: Principal, params: ListParams, extra: Q | None = None
) -> Page[Article]:
    qs = visible_articles(principal).filter(filters_q(LIST_FILTERS, params.filter))
    if extra is not None:
        qs = qs.filter(extra)
    keys = parse_sort(params.sort, LIST_SORTS, "-updated_at")
    return keyset_page(qs.select_related("category", "author"), keys, params.limit, params.cursor)


def find_article(principal: Principal, article_id: int) -> Article | None:
    return (
        visible_articles(principal)
        .select_related("category", "author")
        .filter(pk=article_id)
        .first()
    )


def get_article(principal: Principal, article_id: int) -> Article:
    article = find_article(principal, article_id)
    if article is None:
        raise NotFound("article not found")
    return article


def recent_articles(principal: Principal, limit: int = 8) -> list[Article]:
    """The latest published articles, newest first."""
    qs = visible_articles(principal).filter(status="published").select_related("category")
    return list(qs.order_by("-published_at", "-id")[:limit])


def most_helpful_articles(principal: Principal, limit: int = 5) -> list[Article]:
    """Published articles readers found helpful, most answers first."""
    qs = visible_articles(principal).filter(status="published", helpful_count__gt=0)
    return list(qs.select_related("category").order_by("-helpful_count", "-id")[:limit])


# --- Versions -----------------------------------------------------------------------------------


def _readable_versions(principal: Principal, article: Article) -> QuerySet[ArticleVersion]:
    """The article's versions; a pending draft only for those who write articles."""
    qs = ArticleVersion.objects.filter(workspace_id=principal.workspace_id, article=article)
    return qs if may_write(principal) else qs.filter(number__lte=article.current_version)


def list_versions(
    principal: Principal, article_id: int, limit: int = 50, cursor: str | None = None
) -> Page[ArticleVersion]:
    """The article's versions, newest first (their body is not needed in a list, but is small
    next to the page; the API serialises it only for one version)."""
    article = get_article(principal, article_id)
    qs = _readable_versions(principal, article)
    keys = parse_sort("-number", {"number"}, "-number")
    return keyset_page(qs.select_related("author"), keys, limit, cursor)


def get_version(principal: Principal, article_id: int, number: int) -> ArticleVersion:
    article = get_article(principal, article_id)
    version = (
        _readable_versions(principal, article)
        .filter(number=number)
        .select_related("author")
        .first()
    )
    if version is None:
        raise NotFound("article version not found")
    return version


# --- Categories ---------------------------------------------------------------------------------


def visible_categories(principal: Principal) -> QuerySet[ArticleCategory]:
    return visible(principal, ArticleCategory.objects.all(), OBJECT_TYPE)


def list_categories(principal: Principal, params: ListParams) -> Page[ArticleCategory]:
    keys = parse_sort(params.sort, CATEGORY_SORTS, "position,name")
    return keyset_page(visible_categories(principal), keys, params.limit, params.cursor)


def get_category(principal: Principal, category_id: int) -> ArticleCategory:
    category = visible_categories(principal).filter(pk=category_id).first()
    if category is None:
        raise NotFound("article category not found")
    return category


def category_tree(principal: Principal) -> list[dict[str, Any]]:
    """Top-level categories in order, each with its subcategories and how many published
    articles each holds: two queries, whatever the number of categories."""
    require(principal, "view", OBJECT_TYPE)
    categories = list(
        visible_categories(principal).order_by("position", "name", "id")[:MAX_CATEGORIES]
    )
    counts = dict(
        visible_articles(principal)
        .filter(status="published", category__isnull=False)
        .values_list("category_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    nodes = {
        c.pk: {"category": c, "count": counts.get(c.pk, 0), "children": []} for c in categories
    }
    tree: list[dict[str, Any]] = []
    for category in categories:
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent["children"] if parent else tree).append(nodes[category.pk])
    return tree
