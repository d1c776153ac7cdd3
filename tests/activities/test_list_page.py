"""The activities list: columns, filters, sort and saved views from the URL, and bulk actions."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from rapport.activities.models import Activity
from rapport.core.models import AuditEntry
from rapport.savedviews.services import create_saved_view
from rapport.workspaces.models import User, Workspace
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import PASSWORD, make_member, make_workspace

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def admin(workspace: Workspace) -> User:
    user, _ = make_member(workspace, "admin", full_name="Ann Admin")
    return user


def _activity(
    workspace: Workspace, owner: User | None, minutes: int, kind: str = "note", **fields: Any
) -> Activity:
    """An activity on a fresh contact of `workspace` (unless the caller links one)."""
    if "company" not in fields:
        fields.setdefault("contact", make_contact(workspace))
    if kind == "task":
        fields.setdefault("priority", "normal")
    values = {"body": f"at {minutes}", "occurred_at": at(minutes), "owner": owner, **fields}
    return Activity.objects.create(workspace=workspace, kind=kind, **values)


def _rows(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<tr id="activity-(\d+)"', html)]


def _list(client: Client, **params: Any) -> str:
    response = client.get("/activities", params)
    assert response.status_code == 200
    return response.content.decode()


def _list_queries(client: Client) -> int:
    client.get("/activities")  # warm the session
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/activities").status_code == 200
    return len(captured.captured_queries)


# --- Showing the list ---------------------------------------------------------------------------


def test_list_shows_this_workspaces_activities_escaped_in_fixed_queries(workspace, admin) -> None:
    contact = make_contact(workspace, first_name="<b>Ada</b>")
    company = make_company(workspace, name="Analytical Engines")
    call = _activity(workspace, admin, 10, "call", direction="outbound", contact=contact,
                     subject="<script>alert(1)</script>")  # fmt: skip
    _activity(workspace, admin, 20, company=company, subject="Board notes")
    _activity(make_workspace("Globex"), None, 30, subject="Hidden elsewhere")
    client = _client(admin)
    few = _list_queries(client)  # a row on a contact and one on a company: every lookup runs
    for i in range(10):
        _activity(workspace, admin, 40 + i, "task", subject=f"T{i}", assignee=admin, due_at=at(i),
                  company=company if i % 2 else None)  # fmt: skip

    html = _list(client)

    assert "<script>alert" not in html and "<b>Ada" not in html
    assert "Outbound call: &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'<a href="/contacts/{contact.pk}">&lt;b&gt;Ada&lt;/b&gt; Lovelace</a>' in html
    assert f'<a href="/contacts/{contact.pk}#tab-panel">Outbound call' in html
    assert f'<a href="/companies/{company.pk}">Analytical Engines</a>' in html
    assert "Hidden elsewhere" not in html and "Ann Admin" in html
    assert _rows(html)[-1] == call.pk and len(_rows(html)) == 12  # newest first
    assert _list_queries(client) == few == 12


def test_filters_sort_and_columns_come_from_the_url(workspace, admin) -> None:
    rep, _ = make_member(workspace, "sales_rep")
    call = _activity(workspace, admin, 10, "call", direction="inbound", outcome="Connected",
                     duration_seconds=720)  # fmt: skip
    late = _activity(workspace, rep, 20, "task", subject="Late", due_at=at(500))
    soon = _activity(workspace, admin, 30, "task", subject="Soon", due_at=at(100), is_done=True)
    client = _client(admin)

    calls = _list(
        client, f_field="kind", f_op="eq", f_value="call", col=["outcome", "duration_seconds"]
    )
    assert _rows(calls) == [call.pk]
    assert ">Outcome<" in calls and ">Connected<" in calls and ">12 min<" in calls
    assert _rows(_list(client, filter=f"owner_id:eq:{rep.pk}")) == [late.pk]
    assert _rows(_list(client, filter="occurred_at:gte:2026-03-02T09:15:00+00:00")) == [
        soon.pk, late.pk,
    ]  # fmt: skip
    assert _rows(_list(client, sort="due_at", filter="kind:eq:task")) == [soon.pk, late.pk]
    bad = _list(client, filter="due_at:gt:soon")
    assert "not a valid datetime" in bad and _rows(bad) == []
    assert "Cannot sort by" in _list(client, sort="outcome")


def test_quick_filters_are_links_that_set_filter_terms(workspace, admin) -> None:
    _activity(workspace, admin, 10, "call", direction="outbound")
    open_task = _activity(workspace, admin, 20, "task", subject="Open")
    done_task = _activity(workspace, admin, 30, "task", subject="Done", is_done=True)
    client = _client(admin)

    html = _list(client)
    link = re.search(r'<a href="/activities\?([^"]+)">Open tasks</a>', html)
    assert link is not None
    opened = client.get(f"/activities?{link.group(1).replace('&amp;', '&')}").content.decode()

    assert _rows(opened) == [open_task.pk]
    assert 'aria-current="true">Open tasks</a>' in opened
    assert _rows(_list(client, filter=["kind:eq:task", "is_done:eq:true"])) == [done_task.pk]


def test_load_more_walks_the_list_by_keyset(workspace, admin) -> None:
    contact = make_contact(workspace)
    notes = [_activity(workspace, admin, m, contact=contact) for m in range(55)]
    client = _client(admin)

    first = _list(client, filter="kind:eq:note")
    more = re.search(r'hx-get="/activities\?([^"]+)"', first)
    assert more is not None
    second = client.get(f"/activities?{more.group(1).replace('&amp;', '&')}", headers=HTMX)

    html = second.content.decode()
    assert [*_rows(first), *_rows(html)] == [n.pk for n in reversed(notes)]
    assert "<thead>" not in html and 'id="load-more"' not in html


def test_a_saved_view_opens_with_its_columns_filters_and_sort(workspace, owner, admin) -> None:
    call = _activity(workspace, admin, 10, "call", direction="outbound", outcome="Busy")
    _activity(workspace, admin, 20)
    view = create_saved_view(
        owner, object_type="activity", name="Calls", is_shared=True, columns=["outcome"],
        filters=["kind:eq:call"], sort="-occurred_at",
    )  # fmt: skip
    client = _client(admin)

    html = _list(client, view=view.pk)

    assert _rows(html) == [call.pk] and ">Outcome<" in html and ">Busy<" in html
    assert f'href="/activities?view={view.pk}" class="current"' in html
    saved = client.post(
        "/saved-views",
        {
            "object_type": "activity",
            "name": "Mine",
            "columns": "outcome",
            "filter": ["kind:eq:note"],
        },
    )
    assert saved["Location"].startswith("/activities?view=")


# --- Bulk actions -------------------------------------------------------------------------------


def _bulk(client: Client, ids: list[int], action: str, **fields: Any) -> str:
    """Post a bulk action; answer the message the list shows after the redirect."""
    query = "filter=kind%3Aeq%3Atask"
    response = client.post(
        "/activities/bulk", {"ids": ids, "action": action, "list_query": query, **fields}
    )
    assert (response.status_code, response["Location"]) == (302, f"/activities?{query}")
    return client.get(response["Location"]).content.decode()


def test_bulk_assign_owner(workspace, admin) -> None:
    rep, _ = make_member(workspace, "sales_rep")
    a = _activity(workspace, admin, 10)
    b = _activity(workspace, None, 20, "task", subject="Call back")
    untouched = _activity(workspace, admin, 30)

    html = _bulk(_client(admin), [a.pk, b.pk], "owner", owner_id=rep.pk)

    assert "2 activities updated." in html
    assert set(Activity.objects.filter(owner=rep).values_list("pk", flat=True)) == {a.pk, b.pk}
    untouched.refresh_from_db()
    assert untouched.owner_id == admin.pk


def test_bulk_complete_and_reopen_tasks_but_only_tasks(workspace, admin) -> None:
    first = _activity(workspace, admin, 10, "task", subject="One")
    second = _activity(workspace, admin, 20, "task", subject="Two")
    note = _activity(workspace, admin, 30)
    client = _client(admin)

    refused = _bulk(client, [first.pk, note.pk], "complete")
    assert "Nothing was changed. Only tasks can be marked done; deselect the 1 other" in refused
    assert not Activity.objects.filter(is_done=True).exists()

    assert "2 activities marked done." in _bulk(client, [first.pk, second.pk], "complete")
    assert set(Activity.objects.filter(is_done=True, done_at__isnull=False)) == {first, second}
    assert "1 activity reopened." in _bulk(client, [second.pk], "reopen")
    second.refresh_from_db()
    assert (second.is_done, second.done_at) == (False, None)


def test_bulk_delete_moves_activities_to_the_restore_bin(workspace, admin) -> None:
    a, b = _activity(workspace, admin, 10), _activity(workspace, admin, 20)

    html = _bulk(_client(admin), [a.pk, b.pk], "delete")

    assert "2 activities moved to the restore bin" in html
    assert Activity.objects.filter(deleted_at__isnull=False).count() == 2
    assert AuditEntry.objects.filter(object_type="activity", action="delete").count() == 2
    assert _rows(_list(_client(admin))) == []


def test_a_denied_bulk_changes_nothing(workspace, admin) -> None:
    rep, _ = make_member(workspace, "sales_rep")
    mine = _activity(workspace, rep, 10, "task", subject="Mine")
    theirs = _activity(workspace, admin, 20, "task", subject="Theirs")
    client = _client(rep)

    for action in ("complete", "delete"):
        html = _bulk(client, [mine.pk, theirs.pk], action)
        assert "Nothing was changed." in html and "does not allow" in html
    assert not Activity.objects.filter(is_done=True).exists()
    assert not Activity.objects.filter(deleted_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(object_type="activity").exists()


def test_another_workspaces_ids_change_nothing(workspace, admin) -> None:
    mine = _activity(workspace, admin, 10, "task", subject="Mine")
    globex = make_workspace("Globex")
    theirs = _activity(globex, None, 20, "task", subject="Theirs")
    client = _client(admin)

    html = _bulk(client, [mine.pk, theirs.pk], "complete")
    assert "Nothing was changed." in html and "not found" in html
    _bulk(client, [theirs.pk], "delete")
    _bulk(client, [theirs.pk + 1000], "complete")

    assert not Activity.objects.filter(is_done=True).exists()
    assert not Activity.objects.filter(deleted_at__isnull=False).exists()


def test_read_only_users_get_no_checkboxes_and_their_bulk_changes_nothing(workspace, admin) -> None:
    task = _activity(workspace, admin, 10, "task", subject="Read me")
    reader, _ = make_member(workspace, "read_only")
    client = _client(reader)

    html = _list(client)
    assert _rows(html) == [task.pk]
    assert 'name="ids"' not in html and "bulk-bar" not in html
    for action, fields in (("owner", {"owner_id": reader.pk}), ("complete", {}), ("delete", {})):
        assert "Nothing was changed." in _bulk(client, [task.pk], action, **fields)
    task.refresh_from_db()
    assert (task.owner_id, task.is_done, task.deleted_at, task.version) == (
        admin.pk,
        False,
        None,
        1,
    )
