"""Keyset pagination: stable order across pages, NULLs last, bounded totals."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.contacts.models import Contact
from rapport.core import pagination
from rapport.core.errors import Invalid
from rapport.core.pagination import keyset_page, parse_sort

pytestmark = pytest.mark.django_db


def _walk(qs, keys, limit):  # type: ignore[no-untyped-def]
    seen, cursor = [], None
    while True:
        page = keyset_page(qs, keys, limit, cursor)
        seen.extend(c.pk for c in page.items)
        if page.next_cursor is None:
            return seen
        cursor = page.next_cursor


def test_walking_pages_visits_every_row_once_in_order_with_nulls_last(workspace) -> None:
    birthdays = [
        dt.date(1990, 1, 2),
        None,
        dt.date(1980, 5, 5),
        None,
        dt.date(1990, 1, 2),
        dt.date(2001, 7, 1),
        None,
    ]
    rows = [
        Contact.objects.create(workspace=workspace, first_name=f"c{i}", birthday=b)
        for i, b in enumerate(birthdays)
    ]
    qs = Contact.objects.filter(workspace=workspace)
    asc = _walk(qs, parse_sort("birthday", {"birthday", "id"}, "id"), 2)
    expected_asc = sorted(rows, key=lambda c: (c.birthday is None, c.birthday or dt.date.min, c.pk))
    assert asc == [c.pk for c in expected_asc]
    desc = _walk(qs, parse_sort("-birthday", {"birthday", "id"}, "id"), 3)
    expected_desc = sorted(
        rows, key=lambda c: (c.birthday is None, -(c.birthday or dt.date.min).toordinal(), -c.pk)
    )
    assert desc == [c.pk for c in expected_desc]


def test_total_is_capped_and_flagged(workspace, monkeypatch) -> None:
    monkeypatch.setattr(pagination, "TOTAL_CAP", 3)
    for i in range(5):
        Contact.objects.create(workspace=workspace, first_name=f"c{i}")
    page = keyset_page(
        Contact.objects.filter(workspace=workspace), parse_sort(None, {"id"}, "id"), 2, None
    )
    assert (len(page.items), page.total, page.total_is_capped) == (2, 3, True)


def test_bad_cursor_sort_and_limit_are_field_errors(workspace) -> None:
    qs = Contact.objects.filter(workspace=workspace)
    keys = parse_sort(None, {"id"}, "id")
    with pytest.raises(Invalid) as bad_cursor:
        keyset_page(qs, keys, 10, "not-a-cursor")
    assert bad_cursor.value.errors[0].loc == ("cursor",)
    with pytest.raises(Invalid) as bad_sort:
        parse_sort("-password", {"id", "last_name"}, "id")
    assert bad_sort.value.errors[0].loc == ("sort",)
    with pytest.raises(Invalid) as bad_limit:
        keyset_page(qs, keys, 500, None)
    assert bad_limit.value.errors[0].loc == ("limit",)


def test_only_nullable_keys_ask_for_nulls_last_so_indexes_stay_usable(workspace) -> None:
    keys = parse_sort("-created_at,birthday", {"created_at", "birthday", "id"}, "id")
    qs = Contact.objects.filter(workspace=workspace).order_by(*pagination.order_by(keys, Contact))
    order = str(qs.query).split("ORDER BY")[1]
    assert "NULLS LAST" not in order.split(",")[0]  # created_at is NOT NULL
    assert "NULLS LAST" in order.split(",")[1]  # birthday may be NULL
    assert "NULLS LAST" not in order.split(",")[2]  # id
