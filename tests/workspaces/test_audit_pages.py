"""Settings > Audit log: newest first, filtered, paged by cursor, escaped, for auditors only."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from rapport.core.models import AuditEntry
from rapport.tags.services import create_tag, update_tag
from rapport.workspaces.pages import audit
from rapport.workspaces.services import create_team
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db


def _rows(html: str) -> list[str]:
    """The audit row ids in page order."""
    return [part.split('"', 1)[0] for part in html.split('<tr id="audit-')[1:]]


def test_entries_show_actor_action_object_and_changes_newest_first(workspace, owner) -> None:
    tag = create_tag(owner, "<i>vip</i>", "#112233")
    update_tag(owner, tag.pk, {"color": "#445566"})
    html = owner_client(workspace).get("/settings/audit", {"object_type": "tag"}).content.decode()
    newest, oldest = AuditEntry.objects.filter(object_type="tag").order_by("-id")
    assert _rows(html) == [str(newest.pk), str(oldest.pk)]
    assert "#112233 → #445566" in html
    assert owner.extra["label"] in html and "Update" in html
    assert "&lt;i&gt;vip&lt;/i&gt;" in html and "<i>vip" not in html


def test_filters_by_action_actor_object_and_dates(workspace, owner) -> None:
    manager_user, manager = make_member(workspace, "manager")
    first = create_tag(owner, "first")
    create_tag(manager, "second")
    create_team(owner, "North")
    client = owner_client(workspace)

    def ids(**params: Any) -> list[str]:
        return _rows(client.get("/settings/audit", params).content.decode())

    tag_entries = AuditEntry.objects.filter(object_type="tag").order_by("-id")
    assert ids(object_type="tag") == [str(e.pk) for e in tag_entries]
    assert ids(object_type="tag", actor=manager_user.pk) == [str(tag_entries[0].pk)]
    assert ids(object_type="tag", object_id=first.pk) == [str(tag_entries[1].pk)]
    assert len(ids(action="create", object_type="team")) == 1
    today = timezone.now().date()  # the workspace's time zone is UTC
    assert len(ids(object_type="team", since=today, until=today)) == 1
    assert ids(object_type="team", until=today - dt.timedelta(days=1)) == []


def test_bad_filters_show_inline_with_the_typed_values(workspace) -> None:
    response = owner_client(workspace).get("/settings/audit", {"since": "yesterday-ish"})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'value="yesterday-ish"' in html and 'aria-invalid="true"' in html
    broken = owner_client(workspace).get("/settings/audit", {"cursor": "not-a-cursor"})
    assert broken.status_code == 200 and "The cursor is not valid" in broken.content.decode()


def test_older_entries_come_by_cursor_and_by_htmx(workspace, owner, monkeypatch) -> None:
    monkeypatch.setattr(audit, "PAGE_SIZE", 2)
    for n in range(3):
        create_tag(owner, f"t{n}")
    client = owner_client(workspace)
    entries = [str(e.pk) for e in AuditEntry.objects.filter(object_type="tag").order_by("-id")]
    first = client.get("/settings/audit", {"object_type": "tag"}).content.decode()
    assert _rows(first) == entries[:2]
    href = first.split('<tr class="load-more"><td colspan="5"><a class="button" href="', 1)[1]
    next_url = href.split('"', 1)[0].replace("&amp;", "&")
    assert "object_type=tag" in next_url
    older = client.get(next_url).content.decode()
    assert _rows(older) == entries[2:] and "Back to the newest entries" in older
    partial = client.get(next_url, headers={"HX-Request": "true"}).content.decode()
    assert _rows(partial) == entries[2:] and "<html" not in partial


def test_another_workspaces_entries_never_show(workspace) -> None:
    create_tag(owner_principal(make_workspace("Globex")), "secret-globex")
    html = owner_client(workspace).get("/settings/audit").content.decode()
    assert "secret-globex" not in html


def test_managers_may_read_the_log_and_sales_reps_may_not(workspace) -> None:
    manager_user, _ = make_member(workspace, "manager")
    rep_user, _ = make_member(workspace, "sales_rep")
    assert signed_in(manager_user).get("/settings/audit").status_code == 200
    assert signed_in(rep_user).get("/settings/audit").status_code == 403


def test_log_page_runs_a_fixed_number_of_queries(workspace, owner) -> None:
    create_tag(owner, "t0")
    client = owner_client(workspace)

    few = page_queries(client, "/settings/audit")
    for n in range(1, 10):
        create_team(owner, f"Team {n}")
    assert page_queries(client, "/settings/audit") == few
