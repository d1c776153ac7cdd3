"""Pages: the bell's count, the notification centre, marking read, Settings > Notifications."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from rapport.notifications.models import Notification, NotificationPreference
from rapport.notifications.services import notify
from tests.notifications.factories import make_grace, make_person, notify_one
from tests.page_clients import page_queries, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def bob(workspace: Any) -> Any:
    return make_person(workspace, "Bob Rep")[0]


def _items(html: str) -> list[tuple[int, bool]]:
    """(id, is unread) of each notification on the centre, top to bottom."""
    found = re.findall(r'<li id="notification-(\d+)" class="notification( is-unread)?">', html)
    return [(int(pk), bool(unread)) for pk, unread in found]


def _checked(html: str) -> dict[str, bool]:
    boxes = re.findall(r'<input type="checkbox" name="(\w+)"[^>]*>', html)
    tags = re.findall(r'<input type="checkbox" name="\w+"[^>]*>', html)
    return {name: " checked" in tag for name, tag in zip(boxes, tags, strict=True)}


def test_every_shell_page_loads_the_bell_and_the_badge_shows_the_unread_count(owner, bob) -> None:
    client = signed_in(bob)
    shell = client.get("/contacts").content.decode()
    assert 'href="/notifications" class="icon-button bell"' in shell
    assert 'hx-get="/notifications/badge" hx-trigger="load, every 60s' in shell
    assert 'class="bell-count"' not in client.get("/notifications/badge").content.decode()

    for n in range(3):
        notify_one(owner, bob, f"n{n}")
    badge = client.get("/notifications/badge").content.decode()
    assert '<span class="bell-count" aria-hidden="true">3</span>' in badge
    assert "Notifications: 3 unread" in badge

    Notification.objects.bulk_create(
        Notification(workspace_id=owner.workspace_id, user=bob, kind="workflow", title=f"b{n}")
        for n in range(100)
    )
    assert '<span class="bell-count" aria-hidden="true">99+</span>' in (
        client.get("/notifications/badge").content.decode()
    )


def test_the_badge_of_a_signed_out_visitor_is_empty_not_the_sign_in_page(db) -> None:
    response = Client().get("/notifications/badge")
    assert (response.status_code, response.content) == (204, b"")


def test_the_centre_lists_my_notifications_newest_first_with_unread_marked(
    workspace, owner, bob
) -> None:
    grace = make_grace(owner)
    notify_one(owner, bob, "Old <b>news</b>", object_type="contact", object_id=grace.pk)
    notify_one(owner, bob, "New", body="A short body")
    notify_one(owner, make_person(workspace, "Cy Rep")[0], "Not for Bob")
    old, new = Notification.objects.filter(user=bob).order_by("id")
    Notification.objects.filter(pk=old.pk).update(read_at=old.created_at)

    html = signed_in(bob).get("/notifications").content.decode()

    assert _items(html) == [(new.pk, True), (old.pk, False)]
    assert (
        f'<a class="notification-title" href="/contacts/{grace.pk}">Old &lt;b&gt;news&lt;/b&gt;</a>'
        in html
    )
    assert "A short body" in html and "Not for Bob" not in html
    assert "1 unread" in html and "Mark all read" in html
    unread_only = signed_in(bob).get("/notifications?unread=1").content.decode()
    assert _items(unread_only) == [(new.pk, True)]


def test_an_empty_centre_says_what_will_appear_there(bob) -> None:
    html = signed_in(bob).get("/notifications").content.decode()
    assert "No notifications yet" in html
    assert "someone assigns you a record or mentions you in a note" in html
    assert "Mark all read" not in html


def test_mark_one_read_with_htmx_answers_the_item_and_nudges_the_bell(owner, bob) -> None:
    notify_one(owner, bob, "Read me")
    item = Notification.objects.get()
    client = signed_in(bob)

    response = client.post(f"/notifications/{item.pk}/read", headers={"HX-Request": "true"})

    assert response.status_code == 200 and response["HX-Trigger"] == "notifications-changed"
    assert _items(response.content.decode()) == [(item.pk, False)]
    assert Notification.objects.get().read_at is not None


def test_marking_someone_elses_notification_is_404_and_changes_nothing(
    workspace, owner, bob
) -> None:
    cy = make_person(workspace, "Cy Rep")[0]
    notify_one(owner, cy, "Cy's")
    theirs = Notification.objects.get()
    response = signed_in(bob).post(f"/notifications/{theirs.pk}/read")
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_mark_all_read_marks_mine_and_says_so(workspace, owner, bob) -> None:
    cy = make_person(workspace, "Cy Rep")[0]
    notify(owner, [bob.pk, cy.pk], "workflow", "one")
    notify(owner, [bob.pk], "workflow", "two")

    response = signed_in(bob).post("/notifications/read-all", follow=True)

    assert response.redirect_chain == [("/notifications", 302)]
    html = response.content.decode()
    assert "2 notifications marked read." in html
    assert all(not unread for _, unread in _items(html)) and len(_items(html)) == 2
    assert list(
        Notification.objects.filter(read_at__isnull=True).values_list("user_id", flat=True)
    ) == [cy.pk]


def test_the_settings_page_shows_the_choices_and_keeps_what_was_saved(bob) -> None:
    client = signed_in(bob)
    html = client.get("/settings/notifications").content.decode()
    assert '<a href="/settings/notifications" class="current" aria-current="page">' in html
    assert _checked(html) == {
        "assigned__in_app": True,
        "assigned__by_email": False,
        "mentioned__in_app": True,
        "mentioned__by_email": True,
        "task_due__in_app": True,
        "task_due__by_email": True,
        "workflow_failed__in_app": True,
        "workflow_failed__by_email": True,
        "workflow__in_app": True,
        "workflow__by_email": False,
        "quote__in_app": True,
        "quote__by_email": True,
    }

    posted = {"assigned__by_email": "on", "mentioned__in_app": "on", "workflow__in_app": "on"}
    response = client.post("/settings/notifications", posted, follow=True)

    assert response.redirect_chain == [("/settings/notifications", 302)]
    html = response.content.decode()
    assert "Notification settings saved." in html
    assert {name for name, on in _checked(html).items() if on} == set(posted)
    stored = NotificationPreference.objects.filter(user=bob, kind="assigned").get()
    assert (stored.in_app, stored.by_email) == (False, True)


def test_the_user_menu_and_any_roles_settings_lead_to_notification_settings(workspace) -> None:
    reader = make_person(workspace, "Rita Reader", "read_only")[0]
    html = signed_in(reader).get("/settings/tokens").content.decode()
    assert '<a href="/settings/notifications" role="menuitem">Notification settings</a>' in html
    section = (
        r'<a href="/settings/notifications"><svg[^<]*?>.*?</svg><span>Notifications</span></a>'
    )
    assert re.search(section, html, re.DOTALL)


def test_the_centre_runs_a_fixed_number_of_queries(owner, bob) -> None:
    grace = make_grace(owner)
    notify_one(owner, bob, "first", object_type="contact", object_id=grace.pk)
    client = signed_in(bob)
    few = page_queries(client, "/notifications")
    for n in range(20):
        notify_one(owner, bob, f"n{n}", object_type="contact", object_id=grace.pk)
    assert page_queries(client, "/notifications") == few
