"""The restore bin keeps soft-deleted records for 30 days, then `rapport purgebin` removes them."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.restore_bin import is_restorable, purge_expired

pytestmark = pytest.mark.django_db


def test_purge_removes_only_records_past_the_window(workspace) -> None:
    now = timezone.now()
    old = Contact.objects.create(
        workspace=workspace, first_name="old", deleted_at=now - dt.timedelta(days=31)
    )
    recent = Contact.objects.create(
        workspace=workspace, first_name="recent", deleted_at=now - dt.timedelta(days=29)
    )
    live = Company.objects.create(workspace=workspace, name="live")
    old_company = Company.objects.create(
        workspace=workspace, name="gone", deleted_at=now - dt.timedelta(days=40)
    )
    assert not is_restorable(old, now) and is_restorable(recent, now)
    assert purge_expired(now) == {"contacts.Contact": 1, "companies.Company": 1}
    assert set(Contact.objects.values_list("pk", flat=True)) == {recent.pk}
    assert set(Company.objects.values_list("pk", flat=True)) == {live.pk}
    assert not Company.objects.filter(pk=old_company.pk).exists()


def test_purgebin_command_reports_counts(workspace) -> None:
    Contact.objects.create(workspace=workspace, deleted_at=timezone.now() - dt.timedelta(days=60))
    out = StringIO()
    call_command("purgebin", stdout=out)
    assert out.getvalue().splitlines() == ["contacts.Contact: 1", "purged 1 records"]
    assert Contact.objects.count() == 0
