"""Timelines: activities and field changes merged newest first, paginated in three queries."""

from __future__ import annotations

import pytest

from rapport.activities.models import Activity
from rapport.activities.queries import timeline
from rapport.core.errors import Invalid, NotFound
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal
from tests.activities.factories import at, make_company, make_contact

pytestmark = pytest.mark.django_db


def _activity(workspace, minutes: int, kind: str = "note", **links) -> Activity:  # type: ignore[no-untyped-def]
    return Activity.objects.create(
        workspace=workspace, kind=kind, occurred_at=at(minutes), body=f"at {minutes}", **links
    )


def _change(workspace, object_type: str, object_id: int, minutes: int, action: str = "update"):  # type: ignore[no-untyped-def]
    return AuditEntry.objects.create(
        workspace=workspace,
        object_type=object_type,
        object_id=object_id,
        action=action,
        created_at=at(minutes),
        changes={"job_title": ["", f"t{minutes}"]},
    )


def _lines(result) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return [(item.source, item.id) for item in result.items]


def test_contact_timeline_merges_activities_and_updates_newest_first(owner, workspace) -> None:
    contact, other = make_contact(workspace), make_contact(workspace)
    a10 = _activity(workspace, 10, contact=contact)
    a30 = _activity(workspace, 30, "call", contact=contact)
    _activity(workspace, 40, contact=other)
    _activity(workspace, 50, contact=contact, deleted_at=at(51))
    c20 = _change(workspace, "contact", contact.pk, 20)
    _change(workspace, "contact", contact.pk, 5, action="create")  # creations are not shown
    _change(workspace, "contact", other.pk, 25)
    result = timeline(owner, "contact", contact.pk)
    assert _lines(result) == [("activity", a30.pk), ("change", c20.pk), ("activity", a10.pk)]
    assert result.items[1].change is not None
    assert result.items[1].change.changes == {"job_title": ["", "t20"]}
    assert result.next_cursor is None


def test_company_timeline_includes_its_contacts_activities(owner, workspace) -> None:
    company, elsewhere = make_company(workspace), make_company(workspace, name="Elsewhere")
    employee = make_contact(workspace, company=company)
    outsider = make_contact(workspace, company=elsewhere)
    own = _activity(workspace, 10, company=company)
    via_contact = _activity(workspace, 20, contact=employee)
    _activity(workspace, 30, contact=outsider)
    _activity(workspace, 40, company=elsewhere)
    change = _change(workspace, "company", company.pk, 15)
    result = timeline(owner, "company", company.pk)
    assert _lines(result) == [
        ("activity", via_contact.pk),
        ("change", change.pk),
        ("activity", own.pk),
    ]


def test_pages_walk_every_line_once_in_order_with_ties_across_sources(owner, workspace) -> None:
    contact = make_contact(workspace)
    rows = [_activity(workspace, m, contact=contact) for m in (10, 20, 20, 30, 40)]
    changes = [_change(workspace, "contact", contact.pk, m) for m in (20, 35)]
    expected = [
        ("activity", rows[4].pk),
        ("change", changes[1].pk),
        ("activity", rows[3].pk),
        ("change", changes[0].pk),  # at 20: "change" sorts before "activity" (descending)
        ("activity", rows[2].pk),
        ("activity", rows[1].pk),
        ("activity", rows[0].pk),
    ]
    seen, cursor, pages = [], None, 0
    while True:
        page = timeline(owner, "contact", contact.pk, cursor=cursor, limit=2)
        seen += _lines(page)
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
    assert pages == 4


def test_kinds_filter_activities_and_changes(owner, workspace) -> None:
    contact = make_contact(workspace)
    _activity(workspace, 10, contact=contact)
    call = _activity(workspace, 20, "call", contact=contact)
    change = _change(workspace, "contact", contact.pk, 30)
    assert _lines(timeline(owner, "contact", contact.pk, kinds=["call"])) == [("activity", call.pk)]
    assert _lines(timeline(owner, "contact", contact.pk, kinds=["change"])) == [
        ("change", change.pk)
    ]
    with pytest.raises(Invalid):
        timeline(owner, "contact", contact.pk, kinds=["fax"])


def test_timeline_shows_only_activities_the_principal_may_view(owner, workspace) -> None:
    contact = make_contact(workspace)
    mine = Activity.objects.create(
        workspace=workspace, kind="note", occurred_at=at(1), contact=contact, owner_id=owner.user_id
    )
    _activity(workspace, 2, contact=contact)  # no owner: outside an "own" scope
    own_scope = Principal(
        workspace_id=workspace.pk,
        user_id=owner.user_id,
        grants={"contact": {"view": "all"}, "activity": {"view": "own"}},
    )
    assert _lines(timeline(own_scope, "contact", contact.pk)) == [("activity", mine.pk)]


def test_a_record_of_another_workspace_or_a_deleted_one_is_not_found(
    owner, workspace, other_workspace
) -> None:
    foreign = make_contact(other_workspace)
    _activity(other_workspace, 1, contact=foreign)
    deleted = make_contact(workspace, deleted_at=at(0))
    for contact_id in (foreign.pk, deleted.pk):
        with pytest.raises(NotFound):
            timeline(owner, "contact", contact_id)
    with pytest.raises(NotFound):
        timeline(owner, "deal", 1)


def test_company_timeline_costs_three_queries_whatever_its_size(
    owner, workspace, django_assert_num_queries
) -> None:
    company = make_company(workspace)
    contacts = [make_contact(workspace, company=company) for _ in range(5)]
    for i, contact in enumerate(contacts):
        _activity(workspace, i, contact=contact)
        _activity(workspace, i + 10, company=company)
        _change(workspace, "company", company.pk, i + 20)
    with django_assert_num_queries(3):
        first = timeline(owner, "company", company.pk, limit=6)
    assert len(first.items) == 6
    with django_assert_num_queries(3):
        second = timeline(owner, "company", company.pk, cursor=first.next_cursor, limit=50)
    assert len(second.items) == 9
    assert second.next_cursor is None
