"""Article services: the version model (pending drafts of live articles), publish, unpublish,
archive, restore of a version, the restore bin, feedback (one vote per voter), categories,
audit and events, and the rights of each role."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.knowledge.models import Article, ArticleCategory, ArticleFeedback, ArticleVersion
from rapport.knowledge.services import (
    Voter,
    archive_article,
    create_article,
    create_category,
    delete_article,
    delete_category,
    publish_article,
    record_feedback,
    record_public_feedback,
    restore_article,
    restore_version,
    unpublish_article,
    update_article,
    update_category,
)
from tests.conftest import make_member, make_workspace, owner_principal
from tests.knowledge.factories import make_article

pytestmark = pytest.mark.django_db


def _state() -> tuple[Any, ...]:
    return (
        list(Article.objects.order_by("pk").values()),
        list(ArticleVersion.objects.order_by("pk").values()),
        list(ArticleCategory.objects.order_by("pk").values()),
        list(ArticleFeedback.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        OutboxEvent.objects.count(),
    )


def _events(article: Article) -> list[str]:
    rows = OutboxEvent.objects.filter(object_type="article", object_id=article.pk)
    return list(rows.order_by("pk").values_list("name", flat=True))


def test_create_sanitises_the_body_makes_version_one_and_a_unique_slug(owner) -> None:
    first = create_article(owner, {"title": "Reset a password", "body":
                                   '<p onclick="x()">Hi<script>bad()</script></p>'})  # fmt: skip
    assert (first.slug, first.status, first.visibility) == ("reset-a-password", "draft", "internal")
    assert first.body_html == "<p>Hi</p>" and first.body_text == "Hi"
    second = create_article(owner, {"title": "Reset a password!", "body": "Plain\n\ntext"})
    assert second.slug == "reset-a-password-2"
    assert second.body_html == "<p>Plain</p><p>text</p>"
    [v1] = ArticleVersion.objects.filter(article=first)
    assert (v1.number, v1.title, v1.body_html, v1.note) == (1, "Reset a password", "<p>Hi</p>",
                                                            "First version")  # fmt: skip
    assert _events(first) == ["article.created"]
    entry = AuditEntry.objects.get(object_type="article", object_id=first.pk)
    assert (entry.action, entry.changes["slug"]) == ("create", "reset-a-password")


def test_create_refuses_bad_fields_all_at_once(owner) -> None:
    with pytest.raises(Invalid) as caught:
        create_article(owner, {"title": " ", "visibility": "secret", "slug": "Not A Slug",
                               "category_id": 999999})  # fmt: skip
    assert {e.loc[0] for e in caught.value.errors} == {"title", "visibility", "slug", "category_id"}
    make_article(owner, slug="taken")
    with pytest.raises(Invalid) as taken:
        create_article(owner, {"title": "Other", "slug": "taken"})
    assert taken.value.errors[0].loc == ("slug",)
    assert Article.objects.count() == 1


def test_a_change_to_a_live_article_waits_as_a_pending_version_until_published(owner) -> None:
    article = make_article(owner, title="Opening hours", body="<p>9 to 5.</p>")
    assert (article.status, article.current_version, _events(article)) == (
        "published", 1, ["article.created", "article.published"]
    )  # fmt: skip
    update_article(owner, article.pk, {"body": "<p>8 to 6.</p>", "note": "Winter hours"})
    article.refresh_from_db()
    assert (article.body_html, article.current_version, article.pending_version) == (
        "<p>9 to 5.</p>", 1, 2
    )  # fmt: skip
    pending = ArticleVersion.objects.get(article=article, number=2)
    assert (pending.body_html, pending.note) == ("<p>8 to 6.</p>", "Winter hours")
    update_article(owner, article.pk, {"title": "Opening times"})  # builds on the pending draft
    article.refresh_from_db()
    v3 = ArticleVersion.objects.get(article=article, number=3)
    assert (v3.title, v3.body_html, article.pending_version) == (
        "Opening times", "<p>8 to 6.</p>", 3
    )  # fmt: skip
    publish_article(owner, article.pk)
    article.refresh_from_db()
    assert (article.title, article.body_html, article.current_version) == (
        "Opening times", "<p>8 to 6.</p>", 3
    )  # fmt: skip
    assert article.pending_version is None
    assert _events(article)[-1] == "article.published"
    version_before = article.version
    publish_article(owner, article.pk)  # nothing new: harmless
    article.refresh_from_db()
    assert article.version == version_before


def test_editing_a_draft_changes_it_in_place_and_metadata_applies_at_once(owner) -> None:
    category = create_category(owner, {"name": "Billing"})
    draft = make_article(owner, title="Draft", publish=False)
    update_article(owner, draft.pk, {"title": "Invoices", "category_id": category.pk,
                                     "visibility": "public"})  # fmt: skip
    draft.refresh_from_db()
    assert (draft.title, draft.current_version, draft.pending_version) == ("Invoices", 2, None)
    assert (draft.category_id, draft.visibility) == (category.pk, "public")
    unchanged = update_article(owner, draft.pk, {"title": "Invoices"})
    assert unchanged.version == draft.version and ArticleVersion.objects.count() == 2


def test_save_and_publish_in_one_step_and_an_empty_body_cannot_go_live(owner) -> None:
    draft = create_article(owner, {"title": "Empty"})
    with pytest.raises(Invalid) as caught:
        publish_article(owner, draft.pk)
    assert caught.value.errors[0].loc == ("body",)
    article = update_article(owner, draft.pk, {"body": "Now written."}, publish=True)
    assert (article.status, article.body_text, article.current_version) == (
        "published", "Now written.", 2
    )  # fmt: skip


def test_unpublish_and_archive_take_the_pending_draft_as_content(owner) -> None:
    article = make_article(owner, body="<p>Old.</p>")
    update_article(owner, article.pk, {"body": "<p>New.</p>"})
    unpublished = unpublish_article(owner, article.pk)
    assert (unpublished.status, unpublished.body_html, unpublished.pending_version) == (
        "draft", "<p>New.</p>", None
    )  # fmt: skip
    with pytest.raises(Conflict):
        unpublish_article(owner, article.pk)
    archived = archive_article(owner, article.pk)
    assert archived.status == "archived"
    with pytest.raises(Conflict):
        archive_article(owner, article.pk)
    assert publish_article(owner, article.pk).status == "published"
    assert _events(article)[-3:] == ["article.unpublished", "article.archived",
                                     "article.published"]  # fmt: skip


def test_restoring_a_version_copies_it_into_a_new_one(owner) -> None:
    article = make_article(owner, title="Returns", body="<p>30 days.</p>")
    update_article(owner, article.pk, {"body": "<p>14 days.</p>"}, publish=True)
    restored = restore_version(owner, article.pk, 1)
    assert (restored.body_html, restored.pending_version) == ("<p>14 days.</p>", 3)
    v3 = ArticleVersion.objects.get(article=article, number=3)
    assert (v3.body_html, v3.note) == ("<p>30 days.</p>", "Restored version 1")
    live = restore_version(owner, article.pk, 2, note="Back to 14", publish=True)
    assert (live.body_html, live.current_version, live.pending_version) == (
        "<p>14 days.</p>", 4, None
    )  # fmt: skip
    assert ArticleVersion.objects.filter(article=article).count() == 4
    assert "article.version_restored" in _events(article)
    with pytest.raises(NotFound):
        restore_version(owner, article.pk, 99)


def test_delete_and_restore_through_the_bin(owner, workspace) -> None:
    article = make_article(owner)
    _, agent = make_member(workspace, "support_agent")
    with pytest.raises(Forbidden):
        delete_article(agent, article.pk)
    delete_article(owner, article.pk)
    article.refresh_from_db()
    assert article.deleted_at is not None
    with pytest.raises(NotFound):
        update_article(owner, article.pk, {"title": "x"})
    assert restore_article(owner, article.pk).deleted_at is None
    assert _events(article)[-2:] == ["article.deleted", "article.restored"]


def test_rights_per_role_and_workspace(owner, workspace) -> None:
    article = make_article(owner)
    _, agent = make_member(workspace, "support_agent")
    _, manager = make_member(workspace, "manager")
    _, rep = make_member(workspace, "sales_rep")
    assert create_article(agent, {"title": "By an agent", "body": "x"}, publish=True).status == (
        "published"
    )
    update_article(manager, article.pk, {"title": "By a manager"})
    stranger = owner_principal(make_workspace("Globex"))
    before = _state()
    for attempt in (
        lambda: create_article(rep, {"title": "No"}),
        lambda: update_article(rep, article.pk, {"title": "No"}),
        lambda: publish_article(rep, article.pk),
        lambda: archive_article(rep, article.pk),
        lambda: restore_version(rep, article.pk, 1),
        lambda: create_category(rep, {"name": "No"}),
    ):
        with pytest.raises(Forbidden):
            attempt()
    for attempt in (
        lambda: update_article(stranger, article.pk, {"title": "No"}),
        lambda: publish_article(stranger, article.pk),
        lambda: delete_article(stranger, article.pk),
        lambda: record_feedback(stranger, article.pk, True),
        lambda: record_public_feedback(
            stranger.workspace_id, article.pk, Voter(contact_id=1), True
        ),
    ):
        with pytest.raises(NotFound):
            attempt()
    assert _state() == before


def test_one_vote_per_voter_that_can_be_changed(owner, workspace) -> None:
    article = make_article(owner, visibility="public")
    _, rep = make_member(workspace, "sales_rep")
    record_feedback(owner, article.pk, True)
    record_feedback(rep, article.pk, True, "Clear")
    record_feedback(rep, article.pk, False, "Actually, step 3 is wrong")
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (1, 1)
    assert ArticleFeedback.objects.filter(article=article).count() == 2
    mine = ArticleFeedback.objects.get(article=article, user_id=rep.user_id)
    assert (mine.is_helpful, mine.comment) == (False, "Actually, step 3 is wrong")

    for _ in range(2):
        record_public_feedback(workspace.pk, article.pk, Voter(session_key="abc"), False)
    record_public_feedback(workspace.pk, article.pk, Voter(session_key="xyz"), True)
    article.refresh_from_db()
    assert (article.helpful_count, article.not_helpful_count) == (2, 2)
    anonymous = ArticleFeedback.objects.filter(article=article, session_hash__gt="")
    assert anonymous.count() == 2
    assert all(len(f.session_hash) == 64 and "abc" not in f.session_hash for f in anonymous)
    event = OutboxEvent.objects.filter(name="article.feedback_received").last()
    assert event is not None and event.payload["not_helpful_count"] == 2


def test_feedback_only_on_published_articles_and_public_ones_from_the_portal(
    owner, workspace
) -> None:
    internal = make_article(owner)
    public = make_article(owner, visibility="public")
    draft = make_article(owner, publish=False, visibility="public")
    with pytest.raises(NotFound):
        record_feedback(owner, draft.pk, True)
    with pytest.raises(NotFound):
        record_public_feedback(workspace.pk, internal.pk, Voter(session_key="s"), True)
    with pytest.raises(Invalid):
        record_public_feedback(workspace.pk, public.pk, Voter(), True)
    assert ArticleFeedback.objects.count() == 0


def test_categories_go_one_level_deep_and_delete_leaves_articles(owner) -> None:
    billing = create_category(owner, {"name": "Billing"})
    invoices = create_category(owner, {"name": "Invoices", "parent_id": billing.pk})
    other = create_category(owner, {"name": "Other"})
    assert (billing.position, other.position, invoices.position) == (1, 2, 1)
    with pytest.raises(Invalid):
        create_category(owner, {"name": "billing"})  # names are unique, case aside
    with pytest.raises(Invalid):
        create_category(owner, {"name": "Deep", "parent_id": invoices.pk})
    with pytest.raises(Invalid):
        update_category(owner, billing.pk, {"parent_id": other.pk})  # it has a subcategory
    renamed = update_category(owner, other.pk, {"name": "Misc", "position": 0})
    assert (renamed.name, renamed.position, renamed.version) == ("Misc", 0, 2)
    article = make_article(owner, category_id=billing.pk)
    delete_category(owner, billing.pk)
    article.refresh_from_db()
    invoices.refresh_from_db()
    assert article.category_id is None and invoices.parent_id is None
    kinds = OutboxEvent.objects.filter(object_type="article_category").values_list(
        "name", flat=True
    )
    assert list(kinds).count("article_category.created") == 3
    assert "article_category.deleted" in kinds


def test_readers_do_not_see_drafts_or_pending_versions(owner, workspace) -> None:
    from rapport.knowledge.queries import find_article, get_version, list_versions

    draft = make_article(owner, publish=False)
    live = make_article(owner, body="<p>Live.</p>")
    update_article(owner, live.pk, {"body": "<p>Pending.</p>"})
    _, rep = make_member(workspace, "sales_rep")
    _, agent = make_member(workspace, "support_agent")
    assert find_article(rep, draft.pk) is None and find_article(agent, draft.pk) is not None
    assert [v.number for v in list_versions(rep, live.pk).items] == [1]
    assert [v.number for v in list_versions(agent, live.pk).items] == [2, 1]
    with pytest.raises(NotFound):
        get_version(rep, live.pk, 2)


def test_the_grant_migration_gives_existing_roles_the_article_grant(workspace) -> None:
    from importlib import import_module

    from django.apps import apps

    from rapport.workspaces.models import Role

    migration = import_module("rapport.knowledge.migrations.0003_grant_builtin_roles")
    roles = Role.objects.filter(is_builtin=True, workspace=workspace)
    for role in roles:
        role.grants = {k: v for k, v in role.grants.items() if k != "article"}
        role.save(update_fields=["grants"])
    migration.grant(apps, None)
    grants = {r.key: r.grants["article"] for r in roles.all()}
    assert grants["support_agent"] == {"view": "all", "create": "all", "edit": "all"}
    assert grants["read_only"] == {"view": "all"} and grants["admin"]["delete"] == "all"
