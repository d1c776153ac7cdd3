"""Writes about articles: create, edit (as a draft or live), publish, unpublish, archive,
restore a version, and the restore bin.

The version model: every saved change of title or body is a new, numbered `ArticleVersion`.
While an article is published, a change saved as a draft waits as `pending_version` and
readers keep seeing the live version until `publish_article` (or a save with `publish=True`)
puts it live; on a draft or archived article a change is simply its new content. Category,
visibility and slug are not versioned: they apply at once. Rights: "create" to write a new
article, "edit" to change, publish and restore (the "article" grant; its record scope follows
the author), "delete" for the restore bin.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, Invalid, NotFound
from rapport.core.lifecycle import (
    check_version,
    erase,
    lock_record,
    move_to_bin,
    restore_from_bin,
)
from rapport.core.permissions import Principal, require
from rapport.knowledge.events import (
    ARCHIVED,
    PUBLISHED,
    UNPUBLISHED,
    VERSION_RESTORED,
    emit_article_event,
)
from rapport.knowledge.models import Article, ArticleVersion
from rapport.knowledge.queries import visible_categories
from rapport.knowledge.services.validation import MAX_SLUG, clean_article

OBJECT_TYPE = "article"
SNAPSHOT = (
    "title", "slug", "category_id", "visibility", "status", "current_version",
    "pending_version", "published_at",
)  # fmt: skip


def snapshot(article: Article) -> dict[str, Any]:
    return {name: getattr(article, name) for name in SNAPSHOT}


def _unique_slug(workspace_id: int, title: str) -> str:
    """A slug of the title that no article of the workspace has (deleted ones included, so a
    restored article keeps its own): `reset-password`, else `reset-password-2`, ..."""
    base = slugify(title)[: MAX_SLUG - 8].strip("-") or "article"
    taken = set(
        Article.objects.filter(workspace_id=workspace_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def _save(article: Article) -> None:
    try:
        with transaction.atomic():  # a savepoint: a taken slug leaves the transaction usable
            article.save()
    except IntegrityError as exc:
        message = f"Another article already uses the slug {article.slug!r}."
        raise Invalid.on("slug", message) from exc


def _new_version(principal: Principal, article: Article, content: dict[str, str], note: str) -> int:
    """Write the next version of the (locked) article and make it the article's content, or
    its pending draft while the article is live. Returns its number."""
    last = ArticleVersion.objects.filter(article=article).aggregate(n=Max("number"))["n"] or 0
    version = ArticleVersion.objects.create(
        workspace_id=article.workspace_id, article=article, number=last + 1,
        author_id=principal.user_id, note=note, **content,
    )  # fmt: skip
    if article.status == "published":
        article.pending_version = version.number
    else:
        for name, value in content.items():
            setattr(article, name, value)
        article.current_version, article.pending_version = version.number, None
    return version.number


def _take_pending(article: Article) -> None:
    """Make the pending draft the article's content (in memory)."""
    if article.pending_version is None:
        return
    version = ArticleVersion.objects.get(article=article, number=article.pending_version)
    article.title, article.body_html = version.title, version.body_html
    article.body_text = version.body_text
    article.current_version, article.pending_version = version.number, None


def _content(article: Article) -> dict[str, str]:
    """The newest content: the pending draft if there is one, else the article's own."""
    if article.pending_version is not None:
        version = ArticleVersion.objects.get(article=article, number=article.pending_version)
        return {"title": version.title, "body_html": version.body_html,
                "body_text": version.body_text}  # fmt: skip
    return {"title": article.title, "body_html": article.body_html, "body_text": article.body_text}


def _locked(principal: Principal, article_id: int, expected_version: int | None) -> Article:
    article = lock_record(Article, principal, article_id, deleted=False)
    require(principal, "edit", OBJECT_TYPE, article)
    check_version(article, expected_version)
    return article


def _go_live(principal: Principal, article: Article) -> None:
    """Publish the (locked) article with its newest content, audited and announced."""
    before = snapshot(article)
    _take_pending(article)
    if not article.body_text.strip():
        raise Invalid.on("body", "Write the article before publishing it.")
    article.bump(status="published", published_at=timezone.now())
    article.save()
    record_change(principal, "publish", OBJECT_TYPE, article, diff(before, snapshot(article)))
    emit_article_event(principal, PUBLISHED, article)


@transaction.atomic
def create_article(principal: Principal, data: dict[str, Any], *, publish: bool = False) -> Article:
    """A new article (version 1) as a draft, or live at once with `publish`."""
    require(principal, "create", OBJECT_TYPE)
    fields = clean_article(
        {"body": "", "visibility": "internal", **data}, visible_categories(principal)
    )
    if "title" not in fields:
        raise Invalid.on("title", "Give the article a title.")
    note = fields.pop("note", "")
    content = {k: fields.pop(k) for k in ("title", "body_html", "body_text")}
    article = Article(workspace_id=principal.workspace_id, author_id=principal.user_id,
                      current_version=1, **content, **fields)  # fmt: skip
    if "slug" not in fields:
        article.slug = _unique_slug(principal.workspace_id, article.title)
    _save(article)
    ArticleVersion.objects.create(
        workspace_id=article.workspace_id, article=article, number=1,
        author_id=principal.user_id, note=note or "First version", **content,
    )  # fmt: skip
    record_change(principal, "create", OBJECT_TYPE, article, snapshot(article))
    if publish:
        require(principal, "edit", OBJECT_TYPE, article)
        _go_live(principal, article)
    return article


@transaction.atomic
def update_article(
    principal: Principal,
    article_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
    *,
    publish: bool = False,
) -> Article:
    """Change an article. A changed title or body is a new version: live at once on a draft,
    pending on a published article until published (here with `publish`, or later)."""
    article = _locked(principal, article_id, expected_version)
    fields = clean_article(changes, visible_categories(principal))
    note = fields.pop("note", "")
    newest = _content(article)
    content = {**newest, **{k: fields.pop(k) for k in list(fields) if k in newest}}
    before = snapshot(article)
    changed_meta = {k: v for k, v in fields.items() if getattr(article, k) != v}
    for name, value in changed_meta.items():
        setattr(article, name, value)
    if content != newest:
        _new_version(principal, article, content, note)
    changes_made = diff(before, snapshot(article))
    if changes_made:
        article.bump()
        _save(article)
        record_change(principal, "update", OBJECT_TYPE, article, changes_made)
    if publish and (article.status != "published" or article.pending_version is not None):
        _go_live(principal, article)
    return article


@transaction.atomic
def publish_article(
    principal: Principal, article_id: int, expected_version: int | None = None
) -> Article:
    """Put the article live with its newest content (its pending draft, if any). Publishing a
    live article with no draft changes nothing, so a repeated call is harmless."""
    article = _locked(principal, article_id, expected_version)
    if article.status != "published" or article.pending_version is not None:
        _go_live(principal, article)
    return article


def _leave_live(
    principal: Principal, article_id: int, expected_version: int | None, status: str
) -> Article:
    article = _locked(principal, article_id, expected_version)
    if article.status == status:
        raise Conflict(f"The article is already {'a draft' if status == 'draft' else status}.")
    if status == "draft" and article.status != "published":
        raise Conflict("Only a published article can be unpublished.")
    before = snapshot(article)
    _take_pending(article)  # no live version to protect any more
    article.bump(status=status)
    article.save()
    action = "unpublish" if status == "draft" else "archive"
    record_change(principal, action, OBJECT_TYPE, article, diff(before, snapshot(article)))
    emit_article_event(principal, UNPUBLISHED if status == "draft" else ARCHIVED, article)
    return article


@transaction.atomic
def unpublish_article(
    principal: Principal, article_id: int, expected_version: int | None = None
) -> Article:
    """Take a published article back to draft: readers no longer find it."""
    return _leave_live(principal, article_id, expected_version, "draft")


@transaction.atomic
def archive_article(
    principal: Principal, article_id: int, expected_version: int | None = None
) -> Article:
    """Archive an article (out of date, kept for the record); publishing brings it back."""
    return _leave_live(principal, article_id, expected_version, "archived")


@transaction.atomic
def restore_version(
    principal: Principal,
    article_id: int,
    number: int,
    *,
    note: str = "",
    publish: bool = False,
    expected_version: int | None = None,
) -> Article:
    """Copy version `number` into a new version (history is never rewritten). On a published
    article the copy waits as the pending draft unless `publish`."""
    article = _locked(principal, article_id, expected_version)
    old = ArticleVersion.objects.filter(article=article, number=number).first()
    if old is None:
        raise NotFound("article version not found")
    before = snapshot(article)
    content = {"title": old.title, "body_html": old.body_html, "body_text": old.body_text}
    text = clean_article({"note": note}, visible_categories(principal))["note"]
    new_number = _new_version(principal, article, content, text or f"Restored version {number}")
    article.bump()
    article.save()
    record_change(principal, "restore_version", OBJECT_TYPE, article,
                  diff(before, snapshot(article)))  # fmt: skip
    emit_article_event(principal, VERSION_RESTORED, article, restored_from=number,
                       new_version=new_number)  # fmt: skip
    if publish:
        _go_live(principal, article)
    return article


@transaction.atomic
def delete_article(principal: Principal, article_id: int) -> None:
    """To the restore bin: the article leaves lists and searches; its slug stays taken."""
    article = lock_record(Article, principal, article_id, deleted=False)
    move_to_bin(principal, article, snapshot)


@transaction.atomic
def restore_article(principal: Principal, article_id: int) -> Article:
    """Back from the restore bin, as it was."""
    article = lock_record(Article, principal, article_id, deleted=True)
    restore_from_bin(principal, article)
    return article


@transaction.atomic
def hard_delete_article(principal: Principal, article_id: int) -> None:
    """Erase the article for good (admins only), with its versions and feedback."""
    article = lock_record(Article, principal, article_id, deleted=None)
    erase(principal, article, snapshot)
