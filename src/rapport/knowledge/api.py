"""/api/v1/articles (knowledge base articles, versions, feedback) and
/api/v1/article-categories. A public search for the portal is a query
(knowledge.queries.search_articles with a PublicReader), not an endpoint."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    principal_of,
    record_response,
    selected_fields,
)
from rapport.core.permissions import require
from rapport.knowledge import queries, services
from rapport.knowledge.schemas import (
    ArticleCategoryCreate,
    ArticleCategoryRead,
    ArticleCategoryUpdate,
    ArticleCreate,
    ArticleFeedbackRead,
    ArticleFeedbackWrite,
    ArticleRead,
    ArticleUpdate,
    ArticleVersionRead,
    ArticleVersionRestore,
    article_body,
    category_body,
    version_body,
)

PREFIX = ""
router = Router(tags=["knowledge base"])
ARTICLES = "/articles"
CATEGORIES = "/article-categories"


def _if_match(request: HttpRequest, record_id: int) -> int | None:
    """Actions (publish, archive ...) check If-Match when it is sent; edits require it."""
    return expected_version(request, record_id) if request.headers.get("If-Match") else None


@router.get(ARTICLES, response=ListResponse)
def list_articles(
    request: HttpRequest, params: Query[ListParams], q: str = "", include_drafts: bool = False
) -> HttpResponse:
    """Articles by `filter` and `sort` (keyset pages). With `q`, the best matches of a
    full-text search instead, ranked (title hits first), each with `snippet_html`; published
    ones only unless `include_drafts`; one page of at most `limit`."""
    principal = principal_of(request)
    fields = selected_fields(params.fields, {*ArticleRead.model_fields, "snippet_html"})
    if not q.strip():
        page = queries.list_articles(principal, params)
        return json_response(page_body(page, article_body, fields))
    require(principal, "view", "article")
    hits = queries.search_articles(
        principal, q, limit=min(params.limit, 50), include_drafts=include_drafts
    )
    items = [article_body(h.article) | {"snippet_html": str(h.snippet)} for h in hits]
    if fields is not None:
        items = [{k: v for k, v in item.items() if k in fields} for item in items]
    body = {"items": items, "next_cursor": None, "total": len(items), "total_is_capped": False}
    return json_response(body)


@router.post(ARTICLES, response={201: ArticleRead})
def create_article(request: HttpRequest, payload: ArticleCreate) -> HttpResponse:
    def write() -> HttpResponse:
        data = payload.model_dump(exclude={"publish"}, exclude_none=True)
        article = services.create_article(principal_of(request), data, publish=payload.publish)
        location = f"/api/v1{ARTICLES}/{article.pk}"
        return record_response(article, article_body(article), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get(ARTICLES + "/{article_id}", response=ArticleRead)
def get_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    article = queries.get_article(principal_of(request), article_id)
    return record_response(article, article_body(article))


@router.patch(ARTICLES + "/{article_id}", response=ArticleRead)
def update_article(
    request: HttpRequest, article_id: RecordId, payload: ArticleUpdate
) -> HttpResponse:
    version = expected_version(request, article_id)
    changes = payload.model_dump(exclude_unset=True, exclude={"publish"})
    article = services.update_article(
        principal_of(request), article_id, changes, version, publish=payload.publish
    )
    return record_response(article, article_body(article))


@router.delete(ARTICLES + "/{article_id}", response={204: None})
def delete_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    services.delete_article(principal_of(request), article_id)
    return no_content()


@router.post(ARTICLES + "/{article_id}/restore", response=ArticleRead)
def restore_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    """Bring an article back from the restore bin."""
    article = services.restore_article(principal_of(request), article_id)
    return record_response(article, article_body(article))


@router.post(ARTICLES + "/{article_id}/publish", response=ArticleRead)
def publish_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    """Put the article live with its newest content (its pending version, if any)."""
    principal = principal_of(request)
    article = services.publish_article(principal, article_id, _if_match(request, article_id))
    return record_response(article, article_body(article))


@router.post(ARTICLES + "/{article_id}/unpublish", response=ArticleRead)
def unpublish_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    principal = principal_of(request)
    article = services.unpublish_article(principal, article_id, _if_match(request, article_id))
    return record_response(article, article_body(article))


@router.post(ARTICLES + "/{article_id}/archive", response=ArticleRead)
def archive_article(request: HttpRequest, article_id: RecordId) -> HttpResponse:
    principal = principal_of(request)
    article = services.archive_article(principal, article_id, _if_match(request, article_id))
    return record_response(article, article_body(article))


@router.get(ARTICLES + "/{article_id}/versions", response=ListResponse)
def list_article_versions(
    request: HttpRequest, article_id: RecordId, limit: int = 50, cursor: str | None = None
) -> HttpResponse:
    """The article's versions, newest first."""
    principal = principal_of(request)
    article = queries.get_article(principal, article_id)
    page = queries.list_versions(principal, article_id, limit, cursor)
    return json_response(page_body(page, lambda v: version_body(v, article), None))


@router.get(ARTICLES + "/{article_id}/versions/{number}", response=ArticleVersionRead)
def get_article_version(request: HttpRequest, article_id: RecordId, number: int) -> HttpResponse:
    principal = principal_of(request)
    version = queries.get_version(principal, article_id, number)
    return json_response(version_body(version, version.article))


@router.post(ARTICLES + "/{article_id}/versions/{number}/restore", response=ArticleRead)
def restore_article_version(
    request: HttpRequest, article_id: RecordId, number: int, payload: ArticleVersionRestore
) -> HttpResponse:
    """Copy an earlier version into a new one (pending on a published article unless
    `publish`)."""
    article = services.restore_version(
        principal_of(request), article_id, number, note=payload.note, publish=payload.publish,
        expected_version=_if_match(request, article_id),
    )  # fmt: skip
    return record_response(article, article_body(article))


@router.post(ARTICLES + "/{article_id}/feedback", response=ArticleFeedbackRead)
def give_article_feedback(
    request: HttpRequest, article_id: RecordId, payload: ArticleFeedbackWrite
) -> HttpResponse:
    """Was this helpful? One answer per user and article; answering again changes it."""
    principal = principal_of(request)
    feedback = services.record_feedback(principal, article_id, payload.is_helpful, payload.comment)
    article = feedback.article
    return json_response({
        "article_id": article.pk, "is_helpful": feedback.is_helpful, "comment": feedback.comment,
        "helpful_count": article.helpful_count, "not_helpful_count": article.not_helpful_count,
    })  # fmt: skip


# --- Categories ---------------------------------------------------------------------------------


@router.get(CATEGORIES, response=ListResponse)
def list_article_categories(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    """Categories by position (sort: position, name or id)."""
    fields = selected_fields(params.fields, ArticleCategoryRead.model_fields)
    page = queries.list_categories(principal_of(request), params)
    return json_response(page_body(page, category_body, fields))


@router.post(CATEGORIES, response={201: ArticleCategoryRead})
def create_article_category(request: HttpRequest, payload: ArticleCategoryCreate) -> HttpResponse:
    def write() -> HttpResponse:
        data = payload.model_dump(exclude_none=True)
        category = services.create_category(principal_of(request), data)
        location = f"/api/v1{CATEGORIES}/{category.pk}"
        return record_response(category, category_body(category), 201, location)

    return idempotent(request, principal_of(request), write)


@router.get(CATEGORIES + "/{category_id}", response=ArticleCategoryRead)
def get_article_category(request: HttpRequest, category_id: RecordId) -> HttpResponse:
    category = queries.get_category(principal_of(request), category_id)
    return record_response(category, category_body(category))


@router.patch(CATEGORIES + "/{category_id}", response=ArticleCategoryRead)
def update_article_category(
    request: HttpRequest, category_id: RecordId, payload: ArticleCategoryUpdate
) -> HttpResponse:
    version = expected_version(request, category_id)
    changes = payload.model_dump(exclude_unset=True)
    category = services.update_category(principal_of(request), category_id, changes, version)
    return record_response(category, category_body(category))


@router.delete(CATEGORIES + "/{category_id}", response={204: None})
def delete_article_category(request: HttpRequest, category_id: RecordId) -> HttpResponse:
    """Delete a category: its articles keep going without one, its subcategories move up."""
    services.delete_category(principal_of(request), category_id)
    return no_content()
