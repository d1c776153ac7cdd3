"""The demo seed: counts, valid phones, emails on company domains, search entries, --if-empty."""

from __future__ import annotations

import datetime as dt
import itertools
from io import StringIO

import phonenumbers
import pytest
from django.core.management import call_command
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.companies.models import Company, CompanyDomain
from rapport.contacts.models import Contact, ContactEmail, ContactPhone
from rapport.demo.seed import DEMO_OWNER_EMAIL, DEMO_PASSWORD, DemoSize, Seeded, seed_demo
from rapport.savedviews.models import SavedView
from rapport.search.models import SearchEntry
from rapport.tags.models import Tag
from rapport.workspaces.models import Membership, Team, User, Workspace

pytestmark = pytest.mark.django_db

SMALL = DemoSize(contacts=50, companies=10, activities=150, deals=40)


@pytest.fixture
def seeded() -> Seeded:
    return seed_demo(SMALL, seed=7)


def test_seed_creates_the_expected_counts(seeded: Seeded) -> None:
    ws = seeded.workspace
    assert ws.name == "Northwind Demo"
    assert Contact.objects.filter(workspace=ws).count() == 50
    assert Company.objects.filter(workspace=ws).count() == 10
    on_records = Activity.objects.filter(workspace=ws, deal__isnull=True)
    assert on_records.count() == 150 + 11  # + the demo login's tasks
    assert Tag.objects.filter(workspace=ws).count() == 5
    roles = sorted(Membership.objects.filter(workspace=ws).values_list("role__key", flat=True))
    assert roles == ["manager", "owner", "read_only", "sales_rep", "sales_rep", "support_agent"]
    assert Team.objects.filter(workspace=ws).count() == 2
    owner = User.objects.get(email=DEMO_OWNER_EMAIL)
    mine = Activity.objects.filter(workspace=ws, kind="task", assignee=owner, is_done=False)
    assert mine.count() == 9
    views = SavedView.objects.filter(workspace=ws, is_shared=True)
    assert sorted(views.values_list("name", flat=True)) == [
        "Customers", "Large companies", "Leads to work",
    ]  # fmt: skip


def test_owner_signs_in_with_the_demo_password(seeded: Seeded) -> None:
    owner = User.objects.get(email=DEMO_OWNER_EMAIL)
    assert owner.check_password(DEMO_PASSWORD)
    assert Membership.objects.get(workspace=seeded.workspace, user=owner).role.key == "owner"


def test_records_are_spread_across_managers_and_reps(seeded: Seeded) -> None:
    owners = set(Contact.objects.filter(workspace=seeded.workspace).values_list("owner__email"))
    assert len(owners) == 3
    assert (DEMO_OWNER_EMAIL,) not in owners


def test_phones_are_valid_e164_for_the_country(seeded: Seeded) -> None:
    phones = ContactPhone.objects.filter(workspace=seeded.workspace).select_related("contact")
    assert phones.count() >= 50
    for phone in phones:
        parsed = phonenumbers.parse(phone.number)
        assert phonenumbers.is_valid_number(parsed), phone.number
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == (
            phone.number
        )
        assert phonenumbers.region_code_for_number(parsed) == phone.contact.country
    for company in Company.objects.filter(workspace=seeded.workspace):
        parsed = phonenumbers.parse(company.phone)
        assert phonenumbers.region_code_for_number(parsed) == company.country


def test_work_emails_are_on_the_company_domain(seeded: Seeded) -> None:
    domains = dict(
        CompanyDomain.objects.filter(workspace=seeded.workspace).values_list("company_id", "domain")
    )
    with_company = Contact.objects.filter(workspace=seeded.workspace, company__isnull=False)
    assert with_company.count() > 30
    for contact in with_company:
        assert contact.primary_email.endswith("@" + domains[contact.company_id])
        assert contact.country == Company.objects.get(pk=contact.company_id).country


def test_primary_email_matches_the_one_primary_contact_email(seeded: Seeded) -> None:
    for contact in Contact.objects.filter(workspace=seeded.workspace):
        primaries = ContactEmail.objects.filter(contact=contact, is_primary=True)
        assert [e.email for e in primaries] == [contact.primary_email]
        assert contact.primary_email == contact.primary_email.lower()


def test_every_contact_and_company_is_in_the_search_index(seeded: Seeded) -> None:
    ws = seeded.workspace
    entries = SearchEntry.objects.filter(workspace=ws)
    contact_ids = set(Contact.objects.filter(workspace=ws).values_list("id", flat=True))
    company_ids = set(Company.objects.filter(workspace=ws).values_list("id", flat=True))
    assert set(entries.filter(object_type="contact").values_list("object_id", flat=True)) == (
        contact_ids
    )
    assert set(entries.filter(object_type="company").values_list("object_id", flat=True)) == (
        company_ids
    )
    contact = Contact.objects.filter(workspace=ws).first()
    assert contact is not None
    entry = entries.get(object_type="contact", object_id=contact.pk)
    assert contact.primary_email in entry.text
    assert entry.owner_id == contact.owner_id


def test_tasks_are_due_around_today(seeded: Seeded) -> None:
    now = timezone.now()
    tasks = Activity.objects.filter(workspace=seeded.workspace, kind="task")
    assert tasks.exists()
    for task in tasks:
        assert task.due_at is not None and task.assignee_id is not None
        assert now - dt.timedelta(days=15) < task.due_at < now + dt.timedelta(days=22)
        assert task.is_done == (task.done_at is not None)


def test_the_first_start_sends_no_reminders_for_tasks_already_past_due(seeded: Seeded) -> None:
    from rapport.notifications.services import remind_due_tasks

    now = timezone.now()
    assert remind_due_tasks(now - dt.timedelta(minutes=20)) == 0
    upcoming = Activity.objects.filter(
        workspace=seeded.workspace,
        kind="task",
        is_done=False,
        due_at__gt=now + dt.timedelta(days=1),
    )
    assert upcoming.filter(reminded_at__isnull=True).exists()  # still reminded when due


def test_demo_if_empty_does_nothing_the_second_time() -> None:
    call_command("demo", "--if-empty", "--contacts", "20", stdout=StringIO())
    counts = (Workspace.objects.count(), User.objects.count(), Contact.objects.count())
    assert counts == (1, 6, 20)
    out = StringIO()
    call_command("demo", "--if-empty", "--contacts", "20", stdout=out)
    assert "no demo data added" in out.getvalue()
    assert (Workspace.objects.count(), User.objects.count(), Contact.objects.count()) == counts


def test_createworkspace_makes_the_owner() -> None:
    call_command(
        "createworkspace",
        "Acme Ltd",
        "Boss@Example.com",
        "--password",
        "a long passphrase 42",
        stdout=StringIO(),
    )
    workspace = Workspace.objects.get(name="Acme Ltd")
    seat = Membership.objects.get(workspace=workspace)
    assert seat.user.email == "boss@example.com" and seat.role.key == "owner"
    assert seat.user.check_password("a long passphrase 42")


def test_deals_have_a_consistent_stage_history(seeded: Seeded) -> None:
    from rapport.deals.models import Deal, DealStageChange, Pipeline

    ws = seeded.workspace
    assert sorted(Pipeline.objects.filter(workspace=ws).values_list("name", flat=True)) == [
        "Renewals", "Sales",
    ]  # fmt: skip
    deals = list(Deal.objects.filter(workspace=ws).select_related("stage"))
    assert len(deals) == 40
    kinds = {deal.stage.kind for deal in deals}
    assert kinds == {"open", "won", "lost"}
    for deal in deals:
        stays = list(DealStageChange.objects.filter(deal=deal).order_by("entered_at", "pk"))
        assert stays[-1].stage_id == deal.stage_id and stays[-1].left_at is None
        assert all(s.left_at == n.entered_at for s, n in itertools.pairwise(stays))
        assert deal.stage.pipeline_id == deal.pipeline_id
        assert (deal.closed_on is None) == (deal.stage.kind == "open")
        assert bool(deal.lost_reason) == (deal.stage.kind == "lost")


def test_deal_owners_have_round_monthly_quotas_through_next_quarter(seeded: Seeded) -> None:
    from rapport.forecasts.models import Quota

    ws = seeded.workspace
    owners = {o.pk for o in seeded.record_owners()}
    quotas = list(Quota.objects.filter(workspace=ws))
    assert {q.user_id for q in quotas} == owners
    assert all(q.amount >= 10_000 and q.amount % 5000 == 0 for q in quotas)
    today = timezone.now().date()
    months = {q.month for q in quotas}
    assert today.replace(day=1) in months
    assert (today.replace(day=1) + dt.timedelta(days=100)).replace(day=1) in months
