"""Reads of the knowledge base; re-exported so callers import from `rapport.knowledge.queries`."""

from rapport.knowledge.queries.articles import (
    category_tree,
    find_article,
    get_article,
    get_category,
    get_version,
    list_articles,
    list_categories,
    list_versions,
    may_write,
    most_helpful_articles,
    my_feedback,
    recent_articles,
    visible_articles,
    visible_categories,
)
from rapport.knowledge.queries.fulltext import (
    ArticleHit,
    PublicReader,
    search_articles,
    suggest_articles,
)

__all__ = [
    "ArticleHit",
    "PublicReader",
    "category_tree",
    "find_article",
    "get_article",
    "get_category",
    "get_version",
    "list_articles",
    "list_categories",
    "list_versions",
    "may_write",
    "most_helpful_articles",
    "my_feedback",
    "recent_articles",
    "search_articles",
    "suggest_articles",
    "visible_articles",
    "visible_categories",
]
