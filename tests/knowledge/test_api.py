"""/api/v1/articles and /api/v1/article-categories: CRUD, If-Match, search with q=, publish
and versions, feedback; a role without the right changes nothing (403), a read-only token
neither, another workspace's ids are 404."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry, OutboxEvent
from rapport.knowledge.models import Article, ArticleCategory, ArticleFeedback, ArticleVersion
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal
from tests.knowledge.factories import make_article

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values()),
        list(ArticleVersion.objects.order_by("pk").values()),
        list(ArticleCategory.objects.order_by("pk").values()),
        ArticleFeedback.objects.count(),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def test_create_get_update_publish_and_versions(api) -> None:
    category = api.post("/api/v1/article-categories", {"name": "Accounts"}).json()
    response = api.post("/api/v1/articles", {
        "title": "Close an account", "body": "<p>Write to us.</p>",
        "category_id": category["id"], "visibility": "public", "publish": True,
    })  # fmt: skip
    assert response.status_code == 201, response.content
    article = response.json()
    url = f"/api/v1/articles/{article['id']}"
    assert response["Location"] == url
    assert {k: article[k] for k in ("slug", "status", "visibility", "body_html",
                                    "current_version", "pending_version")} == {
        "slug": "close-an-account", "status": "published", "visibility": "public",
        "body_html": "<p>Write to us.</p>", "current_version": 1, "pending_version": None,
    }  # fmt: skip
    got = api.get(url)
    assert got.json() == article and got["ETag"] == f'"{article["id"]}-{article["version"]}"'

    assert api.patch(url, {"title": "x"}).status_code == 428
    changed = api.patch(url, {"body": "Call us.", "note": "Phone"}, **{"If-Match": got["ETag"]})
    assert changed.status_code == 200, changed.content
    assert (changed.json()["body_html"], changed.json()["pending_version"]) == (
        "<p>Write to us.</p>", 2
    )  # fmt: skip
    assert api.patch(url, {"title": "y"}, **{"If-Match": got["ETag"]}).status_code == 412
    versions = api.get(f"{url}/versions").json()["items"]
    assert [(v["number"], v["note"], v["is_current"], v["is_pending"]) for v in versions] == [
        (2, "Phone", False, True), (1, "First version", True, False)
    ]  # fmt: skip
    assert api.get(f"{url}/versions/2").json()["body_html"] == "<p>Call us.</p>"
    assert api.get(f"{url}/versions/9").status_code == 404

    published = api.post(f"{url}/publish")
    assert (published.json()["body_html"], published.json()["current_version"]) == (
        "<p>Call us.</p>", 2
    )  # fmt: skip
    restored = api.post(f"{url}/versions/1/restore", {"publish": True})
    assert (restored.json()["body_html"], restored.json()["current_version"]) == (
        "<p>Write to us.</p>", 3
    )  # fmt: skip
    assert api.post(f"{url}/archive").json()["status"] == "archived"
    assert api.post(f"{url}/unpublish").status_code == 409
    stale = api.post(f"{url}/publish", **{"If-Match": got["ETag"]})
    assert stale.status_code == 412


def test_unknown_fields_and_bad_values_are_refused(api) -> None:
    assert api.post("/api/v1/articles", {"title": "x", "status": "published"}).status_code == 422
    bad = api.post("/api/v1/articles", {"title": "", "slug": "UPPER CASE"})
    assert bad.status_code == 422
    assert {tuple(e["loc"])[-1] for e in bad.json()["errors"]} == {"title", "slug"}
    assert Article.objects.count() == 0


def test_list_filters_sorts_and_searches(api, owner) -> None:
    make_article(owner, title="Alpha shipping", visibility="public")
    make_article(owner, title="Beta returns", body="<p>Shipping labels are free.</p>")
    make_article(owner, title="Gamma draft about shipping", publish=False)
    listed = api.get("/api/v1/articles?filter=status:eq:published&sort=title&limit=1").json()
    assert [i["title"] for i in listed["items"]] == ["Alpha shipping"]
    assert listed["total"] == 2 and listed["next_cursor"]
    more = api.get(f"/api/v1/articles?filter=status:eq:published&sort=title&limit=1"
                   f"&cursor={listed['next_cursor']}").json()  # fmt: skip
    assert [i["title"] for i in more["items"]] == ["Beta returns"]
    found = api.get("/api/v1/articles?q=shipping").json()["items"]
    assert [i["title"] for i in found] == ["Alpha shipping", "Beta returns"]
    assert "<mark>Shipping</mark>" in found[1]["snippet_html"]
    drafts = api.get("/api/v1/articles?q=shipping&include_drafts=true&fields=title").json()
    assert {i["title"] for i in drafts["items"]} == {
        "Alpha shipping", "Beta returns", "Gamma draft about shipping"
    }  # fmt: skip
    assert set(drafts["items"][0]) == {"id", "title"}


def test_feedback_counts_one_vote_per_user(api, owner, workspace) -> None:
    article = make_article(owner)
    url = f"/api/v1/articles/{article.pk}/feedback"
    assert api.post(url, {"is_helpful": True}).json()["helpful_count"] == 1
    body = api.post(url, {"is_helpful": False, "comment": "Outdated"}).json()
    assert body == {"article_id": article.pk, "is_helpful": False, "comment": "Outdated",
                    "helpful_count": 0, "not_helpful_count": 1}  # fmt: skip
    _, rep = make_member(workspace, "sales_rep")
    assert api_client_for(rep).post(url, {"is_helpful": True}).json()["helpful_count"] == 1
    assert ArticleFeedback.objects.count() == 2


def test_delete_and_restore(api, owner) -> None:
    article = make_article(owner)
    url = f"/api/v1/articles/{article.pk}"
    assert api.delete(url).status_code == 204
    assert api.get(url).status_code == 404
    assert api.get(f"/api/v1/articles?q={article.title}").json()["items"] == []
    assert api.post(f"{url}/restore").json()["id"] == article.pk
    assert api.get(url).status_code == 200


def test_categories_crud(api) -> None:
    made = api.post("/api/v1/article-categories", {"name": "Billing", "description": "Money"})
    assert made.status_code == 201
    child = api.post("/api/v1/article-categories",
                     {"name": "Refunds", "parent_id": made.json()["id"]}).json()  # fmt: skip
    url = f"/api/v1/article-categories/{made.json()['id']}"
    listed = api.get("/api/v1/article-categories?sort=name").json()["items"]
    assert [(c["name"], c["parent_id"]) for c in listed] == [
        ("Billing", None), ("Refunds", made.json()["id"])
    ]  # fmt: skip
    renamed = api.patch(url, {"name": "Payments"}, **{"If-Match": made["ETag"]})
    assert (renamed.status_code, renamed.json()["name"]) == (200, "Payments")
    assert api.post("/api/v1/article-categories", {"name": "payments"}).status_code == 422
    assert api.delete(url).status_code == 204
    assert api.get(f"/api/v1/article-categories/{child['id']}").json()["parent_id"] is None


def test_roles_without_the_right_and_read_only_tokens_change_nothing(owner, workspace) -> None:
    article = make_article(owner)
    category = api_client_for(owner).post("/api/v1/article-categories", {"name": "C"}).json()
    _, rep = make_member(workspace, "sales_rep")
    _, agent = make_member(workspace, "support_agent")
    clients = {"rep": api_client_for(rep), "read-only token": api_client_for(owner, False)}
    etag = f'"{article.pk}-{article.version}"'
    cetag = f'"{category["id"]}-{category["version"]}"'
    agent_api = api_client_for(agent)
    before = _state()
    for client in clients.values():
        assert client.get(f"/api/v1/articles/{article.pk}").status_code == 200
        for response in (
            client.post("/api/v1/articles", {"title": "No"}),
            client.patch(f"/api/v1/articles/{article.pk}", {"title": "No"}, **{"If-Match": etag}),
            client.post(f"/api/v1/articles/{article.pk}/unpublish"),
            client.post(f"/api/v1/articles/{article.pk}/versions/1/restore", {}),
            client.delete(f"/api/v1/articles/{article.pk}"),
            client.post("/api/v1/article-categories", {"name": "No"}),
            client.patch(
                f"/api/v1/article-categories/{category['id']}",
                {"name": "No"},
                **{"If-Match": cetag},
            ),
            client.delete(f"/api/v1/article-categories/{category['id']}"),
        ):
            assert response.status_code == 403, response.content
    assert agent_api.delete(f"/api/v1/articles/{article.pk}").status_code == 403
    assert agent_api.delete(f"/api/v1/article-categories/{category['id']}").status_code == 403
    assert _state() == before


def test_another_workspace_sees_nothing(owner) -> None:
    article = make_article(owner)
    category = api_client_for(owner).post("/api/v1/article-categories", {"name": "C"}).json()
    stranger = api_client_for(owner_principal(make_workspace("Globex")))
    etag = f'"{article.pk}-{article.version}"'
    before = _state()
    base = f"/api/v1/articles/{article.pk}"
    for response in (
        stranger.get(base),
        stranger.patch(base, {"title": "No"}, **{"If-Match": etag}),
        stranger.delete(base),
        stranger.post(f"{base}/publish"),
        stranger.post(f"{base}/archive"),
        stranger.get(f"{base}/versions"),
        stranger.get(f"{base}/versions/1"),
        stranger.post(f"{base}/versions/1/restore", {}),
        stranger.post(f"{base}/feedback", {"is_helpful": True}),
        stranger.get(f"/api/v1/article-categories/{category['id']}"),
        stranger.delete(f"/api/v1/article-categories/{category['id']}"),
    ):
        assert response.status_code == 404, response.content
    assert stranger.get(f"/api/v1/articles?q={article.title}").json()["items"] == []
    assert stranger.get("/api/v1/articles").json()["items"] == []
    created = stranger.post("/api/v1/articles", {"title": "Theirs", "category_id": category["id"]})
    assert created.status_code == 422  # the other workspace's category is not theirs to use
    assert _state() == before
