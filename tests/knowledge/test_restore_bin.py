"""Deleted articles wait in the restore bin like every record: listed, restored, erased."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.knowledge.models import Article, ArticleVersion
from rapport.knowledge.services import delete_article
from tests.conftest import api_client_for, make_member, owner_principal
from tests.knowledge.factories import make_article
from tests.page_clients import owner_client, signed_in

pytestmark = pytest.mark.django_db


def test_a_deleted_article_is_listed_and_restored(
    workspace: Any, owner: Any, api: Any, other_workspace: Any
) -> None:
    article = make_article(owner, title="Reset your password")
    delete_article(owner, article.pk)
    items = api.get("/api/v1/restore-bin?object_type=article").json()["items"]
    assert [(i["id"], i["title"]) for i in items] == [(article.pk, str(article))]
    html = owner_client(workspace).get("/settings/restore-bin", {"type": "article"})
    assert "Reset your password" in html.content.decode()
    response = owner_client(workspace).post(f"/settings/restore-bin/article/{article.pk}/restore")
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).deleted_at is None
    delete_article(owner, article.pk)
    stranger = api_client_for(owner_principal(other_workspace))
    assert stranger.get("/api/v1/restore-bin?object_type=article").json()["items"] == []


def test_only_admins_erase_an_article_with_its_versions(workspace: Any, owner: Any) -> None:
    article = make_article(owner, title="Old pricing")
    delete_article(owner, article.pk)
    agent, _ = make_member(workspace, "support_agent")
    denied = signed_in(agent).post(f"/settings/restore-bin/article/{article.pk}/erase")
    assert denied.status_code in (403, 404)
    assert Article.objects.filter(pk=article.pk).exists()
    owner_client(workspace).post(f"/settings/restore-bin/article/{article.pk}/erase")
    assert not Article.objects.filter(pk=article.pk).exists()
    assert not ArticleVersion.objects.filter(article_id=article.pk).exists()
