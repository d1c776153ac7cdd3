"""Mentions in notes: `@Full Name` (longest match) and `@email`, and who is told about them."""

from __future__ import annotations

import pytest

from rapport.notifications.mentions import mentioned_user_ids
from rapport.notifications.models import Notification
from rapport.notifications.services import notify_mentions
from rapport.workspaces.services import deactivate_member
from rapport.workspaces.services.custom_roles import create_role
from tests.notifications.factories import make_grace, make_note, make_person

pytestmark = pytest.mark.django_db


def test_a_name_mention_takes_the_longest_full_name_whatever_the_case(workspace) -> None:
    ada, _ = make_person(workspace, "Ada")
    ada_lovelace, _ = make_person(workspace, "Ada Lovelace")
    text = "Thanks @ada lovelace! And @ADA, and @Ada Lovelace again."
    assert mentioned_user_ids(workspace.pk, text) == [ada_lovelace.pk, ada.pk]


def test_an_email_mention_names_a_member_by_address(workspace) -> None:
    grace, _ = make_person(workspace, "Grace Hopper")
    text = f"Please ask @{grace.email.upper()}."
    assert mentioned_user_ids(workspace.pk, text) == [grace.pk]


def test_no_mention_inside_a_word_an_address_or_a_longer_name(workspace) -> None:
    make_person(workspace, "Ada")
    text = "Write to ada@example.com, ask @Adam or @Adalbert; email@ada is no mention either."
    assert mentioned_user_ids(workspace.pk, text) == []


def test_inactive_and_other_workspaces_members_are_not_mentioned(
    workspace, other_workspace, owner
) -> None:
    gone, _ = make_person(workspace, "Gone Member")
    deactivate_member(owner, gone.pk)
    make_person(other_workspace, "Far Away")
    here, _ = make_person(workspace, "Right Here")
    text = "@Gone Member @Far Away @Right Here"
    assert mentioned_user_ids(workspace.pk, text) == [here.pk]


def test_notify_mentions_tells_those_who_may_see_the_note_but_not_its_author(
    workspace, owner
) -> None:
    _, ada_p = make_person(workspace, "Ada Admin", "admin")
    bob, _ = make_person(workspace, "Bob Rep")
    create_role(owner, "Own activities", {"activity": {"view": "own"}, "contact": {"view": "all"}})
    make_person(workspace, "Olga Own", "own_activities")  # may not see Ada's note
    grace = make_grace(ada_p)
    note = make_note(ada_p, grace, "@Bob Rep, @Olga Own and @Ada Admin:\n call her back")

    assert notify_mentions(ada_p, note) == 1

    row = Notification.objects.values_list(
        "user_id", "kind", "title", "body", "url", "object_type", "object_id"
    ).get()
    assert row == (
        bob.pk,
        "mentioned",
        "Ada Admin mentioned you in a note",
        "@Bob Rep, @Olga Own and @Ada Admin: call her back",
        f"/contacts/{grace.pk}",
        "activity",
        note.pk,
    )


def test_an_edit_tells_only_the_newly_mentioned(workspace) -> None:
    _, ada_p = make_person(workspace, "Ada Admin", "admin")
    make_person(workspace, "Bob Rep")
    cy, _ = make_person(workspace, "Cy Rep")
    note = make_note(ada_p, make_grace(ada_p), "@Bob Rep and @Cy Rep")
    assert notify_mentions(ada_p, note, previous_body="Hi @Bob Rep") == 1
    assert list(Notification.objects.values_list("user_id", flat=True)) == [cy.pk]
