""" "Was this helpful?": one answer per reader and article, changeable, counted on the article.

Staff answer as themselves on any published article they may view. Readers of the portal
answer on published public articles, as a contact or, anonymously, by their session (stored
only as an HMAC of its key). Changing an answer moves the counts; the comment follows the
latest answer.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from rapport.core.audit import record_change
from rapport.core.errors import Invalid, NotFound
from rapport.core.permissions import Principal, system_principal
from rapport.knowledge.events import FEEDBACK_RECEIVED, emit_article_event
from rapport.knowledge.models import Article, ArticleFeedback
from rapport.knowledge.queries import visible_articles
from rapport.knowledge.services.validation import MAX_COMMENT, clean_text

OBJECT_TYPE = "article"


@dataclass(frozen=True)
class Voter:
    """Who answers: a staff user, a portal contact, or an anonymous session."""

    user_id: int | None = None
    contact_id: int | None = None
    session_key: str = ""

    def lookup(self) -> dict[str, Any]:
        if self.user_id is not None:
            return {"user_id": self.user_id}
        if self.contact_id is not None:
            return {"contact_id": self.contact_id}
        if self.session_key:
            return {"session_hash": session_hash(self.session_key)}
        raise Invalid.on("voter", "Only a signed-in reader or a browser session can answer.")


def session_hash(session_key: str) -> str:
    """An anonymous reader's identity for votes: an HMAC of the session key, keyed by
    SECRET_KEY, so the stored value cannot be turned back into a session."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"kb-feedback:{session_key}".encode(), hashlib.sha256).hexdigest()


def _vote(
    principal: Principal, article: Article, voter: Voter, is_helpful: bool, comment: Any
) -> ArticleFeedback:
    """Record the voter's answer on the (locked) article and move its counts."""
    if not isinstance(is_helpful, bool):
        raise Invalid.on("is_helpful", "Answer yes (true) or no (false).")
    text = clean_text(comment or "", "comment", MAX_COMMENT, required=False)
    lookup = voter.lookup()
    feedback = ArticleFeedback.objects.filter(article=article, **lookup).first()
    before = None if feedback is None else feedback.is_helpful
    if feedback is None:
        feedback = ArticleFeedback(workspace_id=article.workspace_id, article=article, **lookup)
    feedback.is_helpful, feedback.comment, feedback.updated_at = is_helpful, text, timezone.now()
    feedback.save()
    if before != is_helpful:
        if before is not None:
            _count(article, before, -1)
        _count(article, is_helpful, +1)
        Article.objects.filter(pk=article.pk).update(
            helpful_count=article.helpful_count, not_helpful_count=article.not_helpful_count
        )
    changes = {"is_helpful": [before, is_helpful], "comment": text}
    record_change(principal, "feedback", OBJECT_TYPE, article, changes)
    emit_article_event(principal, FEEDBACK_RECEIVED, article, is_helpful=is_helpful,
                       comment=text, helpful_count=article.helpful_count,
                       not_helpful_count=article.not_helpful_count)  # fmt: skip
    return feedback


def _count(article: Article, is_helpful: bool, step: int) -> None:
    name = "helpful_count" if is_helpful else "not_helpful_count"
    setattr(article, name, max(0, getattr(article, name) + step))


@transaction.atomic
def record_feedback(
    principal: Principal, article_id: int, is_helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """A staff member's answer on a published article they may view (else NotFound)."""
    found = visible_articles(principal).filter(pk=article_id, status="published").exists()
    if not found:
        raise NotFound("article not found")
    article = Article.objects.select_for_update().get(pk=article_id)
    return _vote(principal, article, Voter(user_id=principal.user_id), is_helpful, comment)


@transaction.atomic
def record_public_feedback(
    workspace_id: int, article_id: int, voter: Voter, is_helpful: bool, comment: str = ""
) -> ArticleFeedback:
    """A portal reader's answer on a published public article (else NotFound); recorded as
    the workspace's system principal labelled as the portal."""
    if voter.user_id is not None:
        raise Invalid.on("voter", "Staff answer through record_feedback.")
    voter.lookup()  # an anonymous reader without a session cannot vote
    article = (
        Article.objects.select_for_update()
        .filter(workspace_id=workspace_id, pk=article_id, deleted_at__isnull=True)
        .filter(status="published", visibility="public")
        .first()
    )
    if article is None:
        raise NotFound("article not found")
    principal = system_principal(workspace_id)
    principal.extra["label"] = "Knowledge base reader (portal)"
    return _vote(principal, article, voter, is_helpful, comment)
