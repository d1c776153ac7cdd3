"""Request and response shapes of /api/v1/articles and /api/v1/article-categories."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from rapport.core.api_support import RecordId
from rapport.knowledge.models import Article, ArticleCategory, ArticleVersion

BODY_HELP = "HTML (sanitised on save: safe tags only) or plain text; at most 200,000 characters"


class ArticleCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str
    body: str = Field("", description=BODY_HELP)
    category_id: RecordId | None = None
    visibility: Literal["internal", "public"] = "internal"
    slug: str | None = Field(None, description="default: made from the title")
    note: str = Field("", description="what this version is, for the history")
    publish: bool = Field(False, description="put it live at once (needs the edit right)")


class ArticleUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None
    body: str | None = Field(None, description=BODY_HELP)
    category_id: RecordId | None = None
    visibility: Literal["internal", "public"] | None = None
    slug: str | None = None
    note: str | None = Field(None, description="what this version changes")
    publish: bool = Field(
        False,
        description="put the change live at once; otherwise a change of a published article "
        "waits as its pending version",
    )


class ArticleRead(Schema):
    id: int
    title: str
    slug: str
    category_id: int | None
    body_html: str = Field(description="the live content (for a draft, its latest)")
    body_text: str
    status: str
    visibility: str
    author_id: int | None
    published_at: dt.datetime | None
    current_version: int
    pending_version: int | None = Field(description="a saved draft of a published article")
    helpful_count: int
    not_helpful_count: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class ArticleSearchHitRead(ArticleRead):
    snippet_html: str = Field(description="escaped text with <mark> around matched words")


class ArticleVersionRead(Schema):
    number: int
    title: str
    body_html: str
    author_id: int | None
    note: str
    created_at: dt.datetime
    is_current: bool
    is_pending: bool


class ArticleVersionRestore(Schema):
    model_config = ConfigDict(extra="forbid")

    note: str = ""
    publish: bool = False


class ArticleFeedbackWrite(Schema):
    model_config = ConfigDict(extra="forbid")

    is_helpful: bool
    comment: str = ""


class ArticleFeedbackRead(Schema):
    article_id: int
    is_helpful: bool
    comment: str
    helpful_count: int
    not_helpful_count: int


class ArticleCategoryCreate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str
    description: str = ""
    position: int | None = Field(None, ge=0, description="default: after its siblings")
    parent_id: RecordId | None = None


class ArticleCategoryUpdate(Schema):
    model_config = ConfigDict(extra="forbid")

    name: str | None = None
    description: str | None = None
    position: int | None = Field(None, ge=0)
    parent_id: RecordId | None = None


class ArticleCategoryRead(Schema):
    id: int
    name: str
    description: str
    position: int
    parent_id: int | None
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


def article_body(article: Article) -> dict[str, Any]:
    return ArticleRead.model_validate(article, from_attributes=True).model_dump()


def version_body(version: ArticleVersion, article: Article) -> dict[str, Any]:
    return {
        "number": version.number,
        "title": version.title,
        "body_html": version.body_html,
        "author_id": version.author_id,
        "note": version.note,
        "created_at": version.created_at,
        "is_current": version.number == article.current_version,
        "is_pending": version.number == article.pending_version,
    }


def category_body(category: ArticleCategory) -> dict[str, Any]:
    return ArticleCategoryRead.model_validate(category, from_attributes=True).model_dump()
