"""Knowledge base: categories, articles, their numbered versions and readers' feedback.

An `Article` holds the content readers see: while it is published, its title and body are the
live version's (`current_version`); saving a change to a published article as a draft writes a
new `ArticleVersion` and points `pending_version` at it, leaving the live content alone until
`publish_article` makes it live. A draft or archived article simply carries its latest version.
The full-text index over title and body_text lives outside Django's model state (see
migrations/0002_fulltext_index.py and docs/decisions/0006-knowledge-search.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from rapport.core.tenancy import Record, WorkspaceScoped

STATUSES = ("draft", "published", "archived")
VISIBILITIES = ("internal", "public")  # internal: staff only; public: also the portal


class ArticleCategory(WorkspaceScoped):
    """A shelf of the knowledge base; a category may sit under one top-level category."""

    name = models.CharField(max_length=100)
    description = models.CharField(max_length=500, blank=True)
    position = models.PositiveIntegerField(default=0)  # order among its siblings
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    # Categories are a setting of the knowledge base: the "article" grant covers them.
    OWNER_FIELD = None
    OBJECT_TYPE = "article_category"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "workspace", Lower("name"), name="articlecategory_unique_name_ci"
            )
        ]
        indexes = [models.Index(fields=["workspace", "position", "id"])]

    def __str__(self) -> str:
        return self.name


class Article(Record):
    """A knowledge base article; `author` wrote it first (and is its owner for record scopes)."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120)
    category = models.ForeignKey(
        ArticleCategory, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    body_html = models.TextField(blank=True)  # sanitised by core.richtext.clean_html
    body_text = models.TextField(blank=True)  # its plain text, for search and snippets
    status = models.CharField(max_length=10, default="draft", choices=[(s, s) for s in STATUSES])
    visibility = models.CharField(
        max_length=10, default="internal", choices=[(v, v) for v in VISIBILITIES]
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)  # when the live version went live
    current_version = models.PositiveIntegerField(default=1)  # the version shown above
    pending_version = models.PositiveIntegerField(null=True, blank=True)  # a draft of a live one
    helpful_count = models.PositiveIntegerField(default=0)
    not_helpful_count = models.PositiveIntegerField(default=0)

    OWNER_FIELD = "author"
    OBJECT_TYPE = "article"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="article_unique_slug")
        ]
        indexes = [
            models.Index(fields=["workspace", "status", "published_at", "id"]),
            models.Index(fields=["workspace", "category", "title", "id"]),
            models.Index(fields=["workspace", "updated_at", "id"]),
            models.Index(fields=["workspace", "helpful_count", "id"]),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleVersion(WorkspaceScoped):
    """One saved state of an article's title and body; never changed once written."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=300, blank=True)  # what changed, in the author's words

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "number"], name="articleversion_unique")
        ]
        indexes = [models.Index(fields=["workspace", "article", "number"])]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"


class ArticleFeedback(WorkspaceScoped):
    """A reader's "was this helpful?" answer: one per voter and article, changeable.

    The voter is a staff user, a portal contact, or an anonymous reader known only by an HMAC
    of their session key (`session_hash`), never the key itself.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="feedback")
    is_helpful = models.BooleanField()
    comment = models.TextField(blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    contact = models.ForeignKey(
        "contacts.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_hash = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"],
                condition=Q(user__isnull=False),
                name="articlefeedback_one_per_user",
            ),
            models.UniqueConstraint(
                fields=["article", "contact"],
                condition=Q(contact__isnull=False),
                name="articlefeedback_one_per_contact",
            ),
            models.UniqueConstraint(
                fields=["article", "session_hash"],
                condition=~Q(session_hash=""),
                name="articlefeedback_one_per_session",
            ),
        ]
        indexes = [models.Index(fields=["workspace", "article", "updated_at"])]

    def __str__(self) -> str:
        return f"{'helpful' if self.is_helpful else 'not helpful'} on {self.article_id}"
