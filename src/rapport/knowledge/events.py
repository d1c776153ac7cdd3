"""The domain events of articles beyond their lifecycle: published, unpublished, archived,
a version restored, and feedback received."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from rapport.core.events import EventType, emit, register_event_type
from rapport.core.permissions import Principal
from rapport.knowledge.models import Article

PUBLISHED = "article.published"
UNPUBLISHED = "article.unpublished"
ARCHIVED = "article.archived"
VERSION_RESTORED = "article.version_restored"
FEEDBACK_RECEIVED = "article.feedback_received"


class ArticleFacts(BaseModel):
    """What every article event says about the article."""

    title: str = Field(description="The article's live title.")
    slug: str = Field(description="Its slug, unique in the workspace.")
    status: str = Field(description="draft, published or archived, after the change.")
    visibility: str = Field(description="internal (staff only) or public (also the portal).")
    current_version: int = Field(description="The number of the version readers see.")


class ArticleVersionRestored(ArticleFacts):
    """article.version_restored: an earlier version was copied into a new one."""

    restored_from: int = Field(description="The number of the version that was copied.")
    new_version: int = Field(description="The number of the new version.")


class ArticleFeedbackReceived(ArticleFacts):
    """article.feedback_received: a reader answered "was this helpful?" (or changed it)."""

    is_helpful: bool = Field(description="The reader's answer.")
    comment: str = Field(description="The reader's comment (may be empty).")
    helpful_count: int = Field(description="Helpful answers now.")
    not_helpful_count: int = Field(description="Not helpful answers now.")


def register_article_events() -> None:
    for name, description, payload in (
        (PUBLISHED, "An article (or a new version of it) went live.", ArticleFacts),
        (UNPUBLISHED, "A published article went back to draft.", ArticleFacts),
        (ARCHIVED, "An article was archived: readers no longer find it.", ArticleFacts),
        (
            VERSION_RESTORED,
            "An earlier version of an article was restored.",
            ArticleVersionRestored,
        ),
        (FEEDBACK_RECEIVED, "A reader said whether an article helped.", ArticleFeedbackReceived),
    ):
        register_event_type(EventType(name, "article", description, payload))


def emit_article_event(principal: Principal, event: str, article: Article, **extra: Any) -> None:
    facts = {
        "title": article.title,
        "slug": article.slug,
        "status": article.status,
        "visibility": article.visibility,
        "current_version": article.current_version,
    }
    emit(principal, event, "article", article.pk, facts | extra)
