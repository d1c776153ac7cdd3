"""The knowledge base pages: /kb (search, categories, recent, most helpful, drafts), an
article with its feedback, the editor, history and restore, categories, and the ticket
suggestions fragment; other workspaces get 404, roles without the right 403 and no change."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.knowledge.models import Article, ArticleCategory, ArticleFeedback, ArticleVersion
from rapport.knowledge.services import create_category, record_feedback, update_article
from rapport.tickets.services import create_ticket
from tests.conftest import make_member, make_workspace, owner_principal
from tests.knowledge.factories import make_article
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values()),
        list(ArticleVersion.objects.order_by("pk").values()),
        list(ArticleCategory.objects.order_by("pk").values()),
        ArticleFeedback.objects.count(),
        AuditEntry.objects.count(),
    )


def test_home_shows_categories_recent_most_helpful_and_the_nav_entry(owner, workspace) -> None:
    billing = create_category(owner, {"name": "Billing"})
    create_category(owner, {"name": "Refunds", "parent_id": billing.pk})
    helpful = make_article(owner, title="Pay by card", category_id=billing.pk)
    make_article(owner, title="Unfinished", publish=False)
    record_feedback(owner, helpful.pk, True)
    client = owner_client(workspace)
    html = client.get("/kb").content.decode()
    assert '<a href="/kb" class="nav-link current" aria-current="page">' in html
    assert "<span>Knowledge</span></a>" in html
    assert 'Billing</a> <span class="small muted">1</span>' in html
    assert "Refunds</a>" in html
    assert "Recently published" in html and "Most helpful" in html
    assert html.count("Pay by card") == 2 and "Unfinished" not in html
    drafts = client.get("/kb?shelf=drafts").content.decode()
    assert "Unfinished" in drafts and "Pay by card" not in drafts
    listed = client.get(f"/kb?category={billing.pk}").content.decode()
    assert "<h1>Billing</h1>" in listed and "Pay by card" in listed
    queries = page_queries(client, "/kb")
    for n in range(5):
        make_article(owner, title=f"More {n}", category_id=billing.pk)
    assert page_queries(client, "/kb") == queries
    assert page_queries(client, f"/kb?category={billing.pk}") <= queries + 2


def test_search_page_highlights_and_escapes(owner, workspace) -> None:
    make_article(owner, title="<script>alert(1)</script> Reset password",
                 body="<p>Click reset on the sign-in page.</p>")  # fmt: skip
    html = owner_client(workspace).get("/kb?q=reset").content.decode()
    assert "1 article for “reset”" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Reset password" in html
    assert "<script>alert(1)" not in html
    assert "<mark>reset</mark>" in html
    empty = owner_client(workspace).get("/kb?q=zebra").content.decode()
    assert "Nothing found for “zebra”" in empty


def test_article_page_and_feedback_with_htmx(owner, workspace) -> None:
    article = make_article(owner, title="Export data", body="<p>Use <strong>CSV</strong>.</p>")
    client = owner_client(workspace)
    html = client.get(f"/kb/articles/{article.pk}").content.decode()
    assert "<strong>CSV</strong>" in html and "Was this helpful?" in html
    url = f"/kb/articles/{article.pk}/feedback"
    bad = client.post(url, {"comment": "kept"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 422 and "Choose Yes or No." in bad.content.decode()
    assert ">kept</textarea>" in bad.content.decode()
    answered = client.post(url, {"is_helpful": "no", "comment": "Too short"},
                           HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "Thank you for your answer." in answered and "did not help: “Too short”" in answered
    client.post(url, {"is_helpful": "yes"}, HTTP_HX_REQUEST="true")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 0)


def test_editor_keeps_input_on_errors_saves_drafts_and_publishes(owner, workspace) -> None:
    category = create_category(owner, {"name": "Setup"})
    client = owner_client(workspace)
    form = client.get("/kb/articles/new").content.decode()
    assert 'name="body"' in form and "data-richtext" in form and "Setup</option>" in form
    bad = client.post("/kb/articles/new", {"title": "", "body": "<p>My text</p>",
                                           "visibility": "public", "action": "draft"})  # fmt: skip
    assert bad.status_code == 422
    assert "&lt;p&gt;My text&lt;/p&gt;</textarea>" in bad.content.decode()
    empty = client.post("/kb/articles/new", {"title": "Empty", "body": "", "visibility":
                                             "internal", "action": "publish"})  # fmt: skip
    assert empty.status_code == 422 and "Write the article before publishing it." in (
        empty.content.decode()
    )
    assert Article.objects.count() == 0

    fields = {"title": "Install", "body": "<p>Run it.</p>", "category_id": str(category.pk),
              "visibility": "public", "action": "publish"}  # fmt: skip
    made = client.post("/kb/articles/new", fields)
    article = Article.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/kb/articles/{article.pk}"
    assert (article.status, article.category_id, article.visibility) == (
        "published", category.pk, "public"
    )  # fmt: skip
    edit_url = f"/kb/articles/{article.pk}/edit"
    assert "Run it." in client.get(edit_url).content.decode()
    client.post(edit_url, {"title": "Install", "body": "<p>Run it twice.</p>", "visibility":
                           "public", "version": article.version, "action": "draft"})  # fmt: skip
    page = client.get(f"/kb/articles/{article.pk}").content.decode()
    assert "A draft (version 2) waits to be published" in page and "Run it.</p>" in page
    assert "Run it twice." in client.get(edit_url).content.decode()  # editing goes on from it
    stale = client.post(edit_url, {"title": "Install", "body": "x", "visibility": "public",
                                   "version": "1", "action": "draft"})  # fmt: skip
    assert stale.status_code == 409 and "Someone changed this article" in stale.content.decode()
    assert client.post(f"/kb/articles/{article.pk}/publish").status_code == 302
    article.refresh_from_db()
    assert (article.body_html, article.pending_version) == ("<p>Run it twice.</p>", None)


def test_history_shows_versions_and_restores_one(owner, workspace) -> None:
    article = make_article(owner, title="Limits", body="<p>10 users.</p>")
    update_article(owner, article.pk, {"body": "<p>20 users.</p>", "note": "Raised"},
                   publish=True)  # fmt: skip
    client = owner_client(workspace)
    history = client.get(f"/kb/articles/{article.pk}/versions").content.decode()
    assert "Version 2</a>" in history and "Raised" in history and "Live" in history
    old = client.get(f"/kb/articles/{article.pk}/versions/1").content.decode()
    assert "10 users." in old and "Restore this version" in old
    done = client.post(f"/kb/articles/{article.pk}/versions/1/restore", {"publish": "on"})
    assert done.status_code == 302
    article.refresh_from_db()
    assert (article.body_html, article.current_version) == ("<p>10 users.</p>", 3)


def test_categories_page_adds_edits_and_deletes(owner, workspace) -> None:
    client = owner_client(workspace)
    assert client.post("/kb/categories", {"name": "", "description": "kept"}).status_code == 422
    assert client.post("/kb/categories", {"name": "Billing"}).status_code == 302
    category = ArticleCategory.objects.get()
    page = client.get(f"/kb/categories?edit={category.pk}").content.decode()
    assert 'value="Billing"' in page
    saved = client.post(f"/kb/categories/{category.pk}",
                        {"name": "Payments", "position": "3", "version": "1"})  # fmt: skip
    assert saved.status_code == 302
    category.refresh_from_db()
    assert (category.name, category.position) == ("Payments", 3)
    assert client.post(f"/kb/categories/{category.pk}/delete").status_code == 302
    assert not ArticleCategory.objects.exists()


def test_suggestions_for_a_ticket_and_for_typing_with_insert_links(owner, workspace) -> None:
    make_article(owner, title="Refund a payment", body="<p>Refunds take five days.</p>")
    make_article(owner, title="Office hours")
    contact = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    ticket = create_ticket(owner, {"subject": "Refund please", "requester_id": contact.pk},
                           "I paid twice, I want a refund.")  # fmt: skip
    client = owner_client(workspace)
    html = client.get(f"/kb/suggest?ticket={ticket.pk}&target=reply-body",
                      HTTP_HX_REQUEST="true").content.decode()  # fmt: skip
    assert "Refund a payment" in html and "Office hours" not in html
    assert "/link?target=reply-body" in html
    typed = client.get("/kb/suggest?q=office", HTTP_HX_REQUEST="true").content.decode()
    assert "Office hours" in typed and "target=rt-body" in typed
    assert "No published article matches." in client.get("/kb/suggest?q=zebra").content.decode()
    article = Article.objects.get(title="Refund a payment")
    link = client.get(f"/kb/articles/{article.pk}/link?target=reply-body").content.decode()
    assert '<template data-richtext-insert="reply-body"><a href="' in link
    assert f'/kb/articles/{article.pk}">Refund a payment</a></template>' in link
    odd = client.get(f"/kb/articles/{article.pk}/link?target=%22%3E%3Cx").content.decode()
    assert 'data-richtext-insert="rt-body"' in odd


def test_roles_without_the_right_change_nothing(owner, workspace) -> None:
    article = make_article(owner)
    category = create_category(owner, {"name": "C"})
    rep_user, _ = make_member(workspace, "sales_rep")
    agent_user, _ = make_member(workspace, "support_agent")
    rep = signed_in(rep_user)
    page = rep.get(f"/kb/articles/{article.pk}").content.decode()
    assert "/edit" not in page and "Delete" not in page and "Was this helpful?" in page
    assert "New article" not in rep.get("/kb").content.decode()
    before = _state()
    for response in (
        rep.get("/kb/articles/new"),
        rep.post("/kb/articles/new", {"title": "No", "visibility": "internal", "body": "x"}),
        rep.get(f"/kb/articles/{article.pk}/edit"),
        rep.post(f"/kb/articles/{article.pk}/edit", {"title": "No", "visibility": "internal"}),
        rep.post(f"/kb/articles/{article.pk}/unpublish"),
        rep.post(f"/kb/articles/{article.pk}/delete"),
        rep.post(f"/kb/articles/{article.pk}/versions/1/restore"),
        rep.post("/kb/categories", {"name": "No"}),
        rep.post(f"/kb/categories/{category.pk}", {"name": "No"}),
        signed_in(agent_user).post(f"/kb/articles/{article.pk}/delete"),
        signed_in(agent_user).post(f"/kb/categories/{category.pk}/delete"),
    ):
        assert response.status_code == 403
    assert _state() == before


def test_another_workspace_gets_404(owner, workspace) -> None:
    article = make_article(owner)
    category = create_category(owner, {"name": "C"})
    contact = create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    ticket = create_ticket(owner, {"subject": "Help", "requester_id": contact.pk}, "Hi")
    stranger = owner_client(make_workspace("Globex"))
    owner_principal(workspace)  # the first workspace is untouched below
    before = _state()
    base = f"/kb/articles/{article.pk}"
    for response in (
        stranger.get(base),
        stranger.get(f"{base}/edit"),
        stranger.post(f"{base}/edit", {"title": "No", "visibility": "internal"}),
        stranger.post(f"{base}/publish"),
        stranger.post(f"{base}/delete"),
        stranger.post(f"{base}/feedback", {"is_helpful": "yes"}),
        stranger.get(f"{base}/versions"),
        stranger.get(f"{base}/versions/1"),
        stranger.post(f"{base}/versions/1/restore"),
        stranger.get(f"{base}/link"),
        stranger.get(f"/kb?category={category.pk}"),
        stranger.post(f"/kb/categories/{category.pk}", {"name": "No"}),
        stranger.post(f"/kb/categories/{category.pk}/delete"),
        stranger.get(f"/kb/suggest?ticket={ticket.pk}"),
    ):
        assert response.status_code == 404
    assert "Nothing found for" in stranger.get(f"/kb?q={article.title}").content.decode()
    assert _state() == before
