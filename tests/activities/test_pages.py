"""The activity pages: timelines, quick actions and My tasks (the list is in test_list_page)."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.activities.services import create_activity
from rapport.contacts.services import update_contact
from rapport.workspaces.models import Workspace
from tests.activities.factories import at, make_company, make_contact
from tests.conftest import PASSWORD, make_member, make_workspace

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.email, password=PASSWORD)
    return client


@pytest.fixture
def rep(workspace):  # type: ignore[no-untyped-def]
    """A sales rep (may create activities) and their signed-in client."""
    user, principal = make_member(workspace, "sales_rep", full_name="Rita Rep")
    return user, principal, _signed_in(user)


def _activity(workspace, user, minutes: int, kind: str = "note", **fields) -> Activity:  # type: ignore[no-untyped-def]
    values = {"body": f"at {minutes}", "occurred_at": at(minutes), "owner": user, **fields}
    return Activity.objects.create(workspace=workspace, kind=kind, **values)


def _item_ids(html: str) -> list[str]:
    return re.findall(r'id="timeline-(activity-\d+|change-\d+)"', html)


def _queries(client: Client, url: str, **headers: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(captured.captured_queries)


# --- Timeline -----------------------------------------------------------------------------------


def test_timeline_shows_a_logged_call_and_a_field_change(workspace, rep) -> None:
    user, principal, client = rep
    contact = make_contact(workspace, owner=user)
    create_activity(
        principal,
        "call",
        {
            "contact_id": contact.pk,
            "subject": "Pricing follow-up",
            "direction": "outbound",
            "duration_seconds": 300,
            "outcome": "Left voicemail",
            "occurred_at": at(10),
        },
    )
    update_contact(principal, contact.pk, {"job_title": "CTO"})

    response = client.get("/activities/timeline", {"contact": contact.pk}, headers=HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="activities"' in html and 'id="timeline"' in html
    assert "Outbound call" in html and "Pricing follow-up" in html
    assert "5 min · Left voicemail" in html
    assert "Rita Rep · <time" in html
    assert '<span class="change-field">Job title</span>: — → CTO' in html
    # The change (now) comes before the call (T0 + 10 min): newest first.
    assert html.index("Job title") < html.index("Pricing follow-up")


def test_timeline_times_are_shown_in_the_workspace_time_zone(workspace, rep) -> None:
    user, _, client = rep
    Workspace.objects.filter(pk=workspace.pk).update(time_zone="Europe/Paris")
    contact = make_contact(workspace)
    _activity(workspace, user, 30, "meeting", ends_at=at(90), contact=contact)  # 09:30 UTC

    html = client.get("/activities/timeline", {"contact": contact.pk}).content.decode()

    assert "2026-03-02 10:30\N{EN DASH}11:30" in html


def test_timeline_filter_shows_one_kind(workspace, rep) -> None:
    user, principal, client = rep
    contact = make_contact(workspace, owner=user)
    call = _activity(workspace, user, 10, "call", direction="inbound", contact=contact)
    note = _activity(workspace, user, 20, contact=contact)
    update_contact(principal, contact.pk, {"job_title": "CTO"})
    url = "/activities/timeline"

    calls = client.get(
        url, {"contact": contact.pk, "kind": "call"}, headers=HTMX | {"HX-Target": "timeline"}
    )
    notes = client.get(url, {"contact": contact.pk, "kind": "note"}, headers=HTMX).content.decode()
    changes = client.get(url, {"contact": contact.pk, "kind": "changes"}).content.decode()

    html = calls.content.decode()
    assert _item_ids(html) == [f"activity-{call.pk}"]
    assert html.lstrip().startswith('<div id="timeline" ')  # the filter swaps #timeline only
    assert 'class="current" aria-pressed="true">Calls</button>' in html
    assert _item_ids(notes) == [f"activity-{note.pk}"]
    assert [i.split("-")[0] for i in _item_ids(changes)] == ["change"]


def test_load_more_pages_through_the_timeline(workspace, rep) -> None:
    user, _, client = rep
    contact = make_contact(workspace)
    notes = [_activity(workspace, user, m, contact=contact) for m in range(30)]
    newest_first = [f"activity-{n.pk}" for n in reversed(notes)]

    first = client.get("/activities/timeline", {"contact": contact.pk}, headers=HTMX)
    html = first.content.decode()
    more = re.search(r'hx-get="/activities/timeline\?([^"]+)" hx-target="#timeline-more"', html)
    assert more is not None
    second = client.get(f"/activities/timeline?{more.group(1).replace('&amp;', '&')}", headers=HTMX)

    assert _item_ids(html) == newest_first[:25]
    rest = second.content.decode()
    assert _item_ids(rest) == newest_first[25:]
    assert rest.lstrip().startswith("<li") and "timeline-more" not in rest


def test_company_timeline_names_the_contact_of_an_activity(workspace, rep) -> None:
    user, _, client = rep
    company = make_company(workspace)
    employee = make_contact(workspace, company=company, first_name="Grace", last_name="Hopper")
    _activity(workspace, user, 10, contact=employee)

    html = client.get("/activities/timeline", {"company": company.pk}).content.decode()

    assert f'with <a href="/contacts/{employee.pk}">Grace Hopper</a>' in html


# --- Quick actions ------------------------------------------------------------------------------


def test_quick_action_logs_a_call_read_in_the_workspace_time_zone(workspace, rep) -> None:
    user, _, client = rep
    Workspace.objects.filter(pk=workspace.pk).update(time_zone="Europe/Paris")
    contact = make_contact(workspace)
    form = client.get("/activities/new", {"kind": "call", "contact": contact.pk}, headers=HTMX)
    assert form.status_code == 200
    assert 'hx-post="/activities"' in form.content.decode()

    response = client.post(
        "/activities",
        {
            "kind": "call",
            "contact": contact.pk,
            "subject": "Intro call",
            "direction": "inbound",
            "occurred_at": "2026-03-02T10:30",
            "duration_minutes": "12",
            "outcome": "Connected",
            "body": "Wants a demo.",
        },
        headers=HTMX,
    )

    assert response.status_code == 200
    assert (response["HX-Retarget"], response["HX-Reswap"]) == ("#activities", "outerHTML")
    call = Activity.objects.get(workspace=workspace)
    assert (call.kind, call.contact_id, call.owner_id) == ("call", contact.pk, user.pk)
    assert (call.subject, call.direction, call.duration_seconds) == ("Intro call", "inbound", 720)
    assert (call.outcome, call.body) == ("Connected", "Wants a demo.")
    assert call.occurred_at == dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)
    html = response.content.decode()
    assert f'id="timeline-activity-{call.pk}"' in html
    assert '<div id="activity-form"></div>' in html  # the form area is reset


def test_quick_action_creates_a_task_for_a_company(workspace, rep) -> None:
    user, _, client = rep
    company = make_company(workspace)

    response = client.post(
        "/activities",
        {"kind": "task", "company": company.pk, "subject": "Send the quote",
         "due_at": "2026-03-05T17:00", "priority": "high", "assignee": str(user.pk)},
        headers=HTMX,
    )  # fmt: skip

    assert response.status_code == 200
    task = Activity.objects.get(workspace=workspace)
    assert (task.kind, task.company_id, task.assignee_id) == ("task", company.pk, user.pk)
    assert (task.priority, task.is_done) == ("high", False)
    assert task.due_at == dt.datetime(2026, 3, 5, 17, 0, tzinfo=dt.UTC)


def test_invalid_quick_action_keeps_the_input_and_creates_nothing(workspace, rep) -> None:
    _, _, client = rep
    contact = make_contact(workspace)
    meeting = {
        "kind": "meeting",
        "contact": contact.pk,
        "subject": "Kick-off <b>now</b>",
        "occurred_at": "2026-03-02T10:00",
        "ends_at": "2026-03-02T09:00",
        "attendees": "Ada <ada@example.com>",
    }

    response = client.post("/activities", meeting, headers=HTMX)
    bad_duration = client.post(
        "/activities",
        {"kind": "call", "contact": contact.pk, "direction": "outbound", "duration_minutes": "-5"},
        headers=HTMX,
    )

    html = response.content.decode()
    assert response.status_code == 422
    assert (
        '<p class="error" id="activity-ends_at_error">ends_at must be after the start.</p>' in html
    )
    assert 'aria-invalid="true"' in html
    assert 'value="Kick-off &lt;b&gt;now&lt;/b&gt;"' in html
    assert 'value="2026-03-02T10:00"' in html and 'value="2026-03-02T09:00"' in html
    assert "Ada &lt;ada@example.com&gt;</textarea>" in html
    assert bad_duration.status_code == 422
    assert "greater than or equal to 0" in bad_duration.content.decode()
    assert not Activity.objects.filter(workspace=workspace).exists()


def test_read_only_role_gets_no_quick_actions_and_cannot_create(workspace) -> None:
    user, _ = make_member(workspace, "read_only")
    client = _signed_in(user)
    contact = make_contact(workspace)

    timeline = client.get("/activities/timeline", {"contact": contact.pk}, headers=HTMX)
    form = client.get("/activities/new", {"kind": "note", "contact": contact.pk}, headers=HTMX)
    post = client.post(
        "/activities", {"kind": "note", "contact": contact.pk, "body": "Hi"}, headers=HTMX
    )

    assert timeline.status_code == 200
    html = timeline.content.decode()
    assert "quick-actions" not in html and "/activities/new" not in html
    assert form.status_code == 403
    assert post.status_code == 403
    assert post["Content-Type"].startswith("text/plain")
    assert "does not allow create on activity" in post.content.decode()
    assert not Activity.objects.filter(workspace=workspace).exists()


def test_another_workspaces_record_is_not_found(workspace, rep) -> None:
    _, _, client = rep
    elsewhere = make_contact(make_workspace("Globex"))

    timeline = client.get("/activities/timeline", {"contact": elsewhere.pk})
    form = client.get("/activities/new", {"kind": "note", "contact": elsewhere.pk}, headers=HTMX)
    post = client.post(
        "/activities", {"kind": "note", "contact": elsewhere.pk, "body": "Hi"}, headers=HTMX
    )

    assert (timeline.status_code, form.status_code, post.status_code) == (404, 404, 404)
    assert not Activity.objects.exists()


def test_user_text_is_escaped_everywhere(workspace, rep) -> None:
    user, principal, client = rep
    contact = make_contact(workspace, first_name="<script>alert(1)</script>", owner=user)
    evil = "<script>alert(2)</script>"
    create_activity(
        principal,
        "task",
        {"contact_id": contact.pk, "subject": evil, "body": evil, "due_at": at(60)},
    )
    update_contact(principal, contact.pk, {"job_title": evil})

    pages = [
        client.get("/activities/timeline", {"contact": contact.pk}).content.decode(),
        client.get("/activities").content.decode(),
        client.get("/tasks").content.decode(),
    ]

    for html in pages:
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(" in html


# --- My tasks -----------------------------------------------------------------------------------


def _sections(html: str) -> dict[str, str]:
    return dict(
        re.findall(
            r'<section class="list-panel task-group" id="tasks-(\w+)"(.*?)</section>', html, re.S
        )
    )


def test_my_tasks_are_grouped_by_due_date_in_the_workspace_time_zone(workspace, rep) -> None:
    user, _, client = rep
    zone = zoneinfo.ZoneInfo("Pacific/Auckland")
    Workspace.objects.filter(pk=workspace.pk).update(time_zone=zone.key)
    noon = timezone.now().astimezone(zone).replace(hour=12, minute=0, second=0, microsecond=0)
    contact = make_contact(workspace)
    other, _ = make_member(workspace, "sales_rep")

    def task(subject: str, due: dt.datetime | None, **fields) -> None:  # type: ignore[no-untyped-def]
        _activity(workspace, user, 0, "task", subject=subject, due_at=due, assignee=user,
                  priority="normal", contact=contact, **fields)  # fmt: skip

    task("Late", noon - dt.timedelta(days=2))
    task("Early today", noon.replace(hour=0, minute=30))  # the day before, in UTC
    task("Soon", noon + dt.timedelta(days=3))
    task("Someday", None)
    task("Finished", noon, is_done=True)
    _activity(workspace, user, 0, "task", subject="Theirs", due_at=noon, assignee=other)

    html = client.get("/tasks").content.decode()

    sections = _sections(html)
    assert list(sections) == ["overdue", "today", "upcoming", "undated"]
    assert "Late" in sections["overdue"] and "Early today" in sections["today"]
    assert "Soon" in sections["upcoming"] and "Someday" in sections["undated"]
    assert "Finished" not in html and "Theirs" not in html
    assert f'href="/contacts/{contact.pk}"' in sections["overdue"]


def test_my_tasks_tells_a_new_user_what_to_do(rep) -> None:
    _, _, client = rep
    html = client.get("/tasks").content.decode()
    assert (
        "No open tasks. Create one from a contact's page with <strong>Create a task</strong>."
        in html
    )


def test_completing_a_task_marks_it_done_and_undo_reopens_it(workspace, rep) -> None:
    user, _, client = rep
    contact = make_contact(workspace)
    task = _activity(workspace, user, 0, "task", subject="Call back", assignee=user,
                     priority="normal", contact=contact)  # fmt: skip

    done = client.post(f"/tasks/{task.pk}/complete", headers=HTMX)
    task.refresh_from_db()
    assert (done.status_code, task.is_done) == (200, True)
    assert task.done_at is not None
    html = done.content.decode()
    assert html.lstrip().startswith(f'<tr id="task-{task.pk}" class="is-done">')
    assert f'hx-post="/tasks/{task.pk}/reopen"' in html

    reopened = client.post(f"/tasks/{task.pk}/reopen", headers=HTMX)
    task.refresh_from_db()
    assert (reopened.status_code, task.is_done, task.done_at) == (200, False, None)


def test_completing_another_workspaces_task_is_not_found(workspace, rep) -> None:
    _, _, client = rep
    globex = make_workspace("Globex")
    task = Activity.objects.create(
        workspace=globex, kind="task", subject="Theirs", occurred_at=at(0), priority="normal",
        contact=make_contact(globex),
    )  # fmt: skip

    response = client.post(f"/tasks/{task.pk}/complete", headers=HTMX)

    task.refresh_from_db()
    assert (response.status_code, task.is_done) == (404, False)


# --- Signed out ---------------------------------------------------------------------------------


def test_pages_send_signed_out_visitors_to_sign_in(db) -> None:
    response = Client().get("/tasks")
    assert (response.status_code, response["Location"]) == (302, "/login?next=/tasks")


# --- Query counts -------------------------------------------------------------------------------


def _fill(workspace, user, contact, count: int) -> None:  # type: ignore[no-untyped-def]
    company = make_company(workspace)
    for i in range(count):
        _activity(workspace, user, i, "task", subject=f"T{i}", assignee=user, priority="normal",
                  due_at=at(i), contact=None if i % 2 else contact,
                  company=company if i % 2 else None)  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/activities/timeline?contact={contact}", 8), ("/tasks", 8)],
)
def test_list_query_count_does_not_grow_with_rows(workspace, rep, url: str, expected: int) -> None:
    user, principal, client = rep
    counts = []
    for rows in (1, 10):
        Activity.objects.all().delete()
        contact = make_contact(workspace, owner=user)
        _fill(workspace, user, contact, rows)
        for i in range(rows):  # field changes on the timeline, too
            update_contact(principal, contact.pk, {"job_title": f"Title {i}"})
        target = url.format(contact=contact.pk)
        client.get(target)  # warm the session
        counts.append(_queries(client, target))
    assert counts == [expected, expected]
