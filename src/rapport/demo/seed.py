"""The demo workspace "Northwind Demo": realistic, deterministic (seeded Faker) records.

Rows are written with bulk_create inside one transaction (the command is the boundary), then the
search index is rebuilt for the workspace in bulk. The demo password is public by design: the demo
is for trying Rapport on 127.0.0.1, never for a server others can reach.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from faker import Faker

from rapport.activities.models import Activity
from rapport.companies.models import Company, CompanyDomain
from rapport.contacts.models import Contact, ContactEmail, ContactPhone
from rapport.demo.commissions import seed_commissions
from rapport.demo.deals import seed_deals
from rapport.demo.people import PersonMaker, company_domain
from rapport.demo.phone_numbers import random_phone
from rapport.demo.products import seed_products
from rapport.demo.quotas import seed_quotas
from rapport.demo.timeline import make_activity
from rapport.savedviews.services import create_saved_view
from rapport.search.services import rebuild_index
from rapport.tags.models import Tag
from rapport.workspaces.models import Team, User, Workspace
from rapport.workspaces.queries import principal_for
from rapport.workspaces.services import add_member, create_workspace

DEMO_WORKSPACE_NAME = "Northwind Demo"
DEMO_OWNER_EMAIL = "demo@rapport.local"
DEMO_PASSWORD = "northwind-demo-password"  # noqa: S105 - public by design, see module docstring

# (email, full name, built-in role, team)
DEMO_USERS: tuple[tuple[str, str, str, str | None], ...] = (
    (DEMO_OWNER_EMAIL, "Dana Owens", "owner", None),
    ("maria.keller@rapport.local", "Maria Keller", "manager", "Sales"),
    ("sam.turner@rapport.local", "Sam Turner", "sales_rep", "Sales"),
    ("priya.nair@rapport.local", "Priya Nair", "sales_rep", "Sales"),
    ("leo.martin@rapport.local", "Leo Martin", "support_agent", "Customer Success"),
    ("ava.brooks@rapport.local", "Ava Brooks", "read_only", "Customer Success"),
)
TAGS = (
    ("VIP", "#dc2626"),
    ("Partner", "#2563eb"),
    ("Newsletter", "#16a34a"),
    ("Churn risk", "#ea580c"),
    ("Trade show", "#9333ea"),
)
INDUSTRIES = (
    "Software",
    "Manufacturing",
    "Retail",
    "Healthcare",
    "Financial services",
    "Logistics",
    "Education",
    "Media",
    "Energy",
    "Hospitality",
    "Construction",
    "Professional services",
)
LIFECYCLE_WEIGHTS = {
    "subscriber": 8,
    "lead": 30,
    "marketing_qualified": 12,
    "sales_qualified": 10,
    "opportunity": 10,
    "customer": 22,
    "evangelist": 4,
    "other": 4,
}
LEAD_SOURCES = ("Website", "Referral", "Trade show", "Webinar", "Cold call", "Partner", "Ads")
ACTIVITY_KIND_WEIGHTS = {"note": 25, "call": 25, "meeting": 15, "email": 25, "task": 10}


@dataclass
class DemoSize:
    """How much to seed; the default is the full demo, tests pass small numbers."""

    contacts: int = 2000
    companies: int = 400
    activities: int = 6000
    deals: int = 600


@dataclass
class Seeded:
    workspace: Workspace
    users: list[User]
    companies: list[Company] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    activity_count: int = 0

    def record_owners(self) -> list[User]:
        """The manager and the sales reps in DEMO_USERS order; everyone in a smaller seat list."""
        return self.users[1:4] or self.users


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _past(rng: random.Random, now: dt.datetime, max_days: int) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.randint(3600, max_days * 86400))


def create_demo_users(workspace_name: str) -> tuple[Workspace, list[User]]:
    """The workspace, its six users with different built-in roles, and two teams."""
    users = [
        User.objects.create_user(email, DEMO_PASSWORD, full_name=name)
        for email, name, _, _ in DEMO_USERS
    ]
    workspace = create_workspace(workspace_name, users[0])
    workspace.default_country = "US"
    workspace.save(update_fields=["default_country"])
    owner = principal_for(users[0], workspace.pk)
    teams: dict[str, Team] = {}
    for user, (_, _, role, team_name) in zip(users, DEMO_USERS, strict=True):
        if role != "owner":
            add_member(owner, user, role)
        if team_name:
            if team_name not in teams:
                teams[team_name] = Team.objects.create(workspace=workspace, name=team_name)
            teams[team_name].members.add(user)
    return workspace, users


def _make_companies(seeded: Seeded, maker: PersonMaker, count: int, tags: list[Tag]) -> None:
    rng, ws, now = maker.rng, seeded.workspace, timezone.now()
    owners = seeded.record_owners()
    companies, domains, used = [], [], set[str]()
    for _ in range(count):
        country, fake = maker.pick_country()
        name = fake.company()
        domain = company_domain(name, country, used)
        created = _past(rng, now, 730)
        companies.append(
            Company(
                workspace=ws,
                name=name,
                industry=rng.choice(INDUSTRIES),
                employee_count=rng.choice([5, 12, 40, 85, 150, 400, 1200, 5000]),
                annual_revenue=rng.randrange(200, 90000) * 1000,
                annual_revenue_currency=maker.currency(country),
                phone=random_phone(rng, country, mobile=False),
                website=f"https://www.{domain}",
                street=fake.street_address(),
                city=fake.city(),
                postal_code=fake.postcode(),
                country=country,
                owner=rng.choice(owners),
                created_at=created,
                updated_at=created + (now - created) * rng.random(),
            )
        )
        domains.append(domain)
    seeded.companies = Company.objects.bulk_create(companies)
    CompanyDomain.objects.bulk_create(
        CompanyDomain(company=c, workspace=ws, domain=d)
        for c, d in zip(seeded.companies, domains, strict=True)
    )
    through = Company.tags.through
    through.objects.bulk_create(
        through(company_id=c.pk, tag_id=rng.choice(tags).pk)
        for c in seeded.companies
        if rng.random() < 0.15
    )


def _make_contacts(seeded: Seeded, maker: PersonMaker, count: int, tags: list[Tag]) -> None:
    rng, ws, now = maker.rng, seeded.workspace, timezone.now()
    owners = seeded.record_owners()
    domains = {d.company_id: d.domain for d in CompanyDomain.objects.filter(workspace=ws)}
    contacts, emails, phones = [], [], []
    for _ in range(count):
        company = rng.choice(seeded.companies) if seeded.companies and rng.random() < 0.85 else None
        person = maker.person(
            company.country if company else None, domains.get(company.pk) if company else None
        )
        created = _past(rng, now, 700)
        contacts.append(
            Contact(
                workspace=ws,
                first_name=person.first_name,
                last_name=person.last_name,
                job_title=person.job_title,
                company=company,
                lifecycle_stage=_weighted(rng, LIFECYCLE_WEIGHTS),
                lead_source=rng.choice(LEAD_SOURCES),
                owner=rng.choice(owners),
                city=person.city,
                country=person.country,
                primary_email=person.emails[0],
                consent_status=rng.choice(["unknown", "granted", "granted", "denied"]),
                created_at=created,
                updated_at=created + (now - created) * rng.random(),
            )
        )
        emails.append(person.emails)
        phones.append(person.phones)
    seeded.contacts = Contact.objects.bulk_create(contacts)
    ContactEmail.objects.bulk_create(
        ContactEmail(contact=c, workspace=ws, email=email, is_primary=i == 0)
        for c, addresses in zip(seeded.contacts, emails, strict=True)
        for i, email in enumerate(addresses)
    )
    ContactPhone.objects.bulk_create(
        ContactPhone(contact=c, workspace=ws, number=number, kind=kind, is_primary=i == 0)
        for c, numbers in zip(seeded.contacts, phones, strict=True)
        for i, (number, kind) in enumerate(numbers)
    )
    through = Contact.tags.through
    through.objects.bulk_create(
        through(contact_id=c.pk, tag_id=tag.pk)
        for c in seeded.contacts
        for tag in rng.sample(tags, k=rng.choice([0, 0, 0, 0, 1, 1, 2]))
    )


def _make_activities(seeded: Seeded, fake: Faker, rng: random.Random, count: int) -> None:
    staff = seeded.users[1:5] or seeded.users  # manager, reps and support write the timeline
    rows: list[Activity] = []
    for _ in range(count):
        on_contact = bool(seeded.contacts) and (not seeded.companies or rng.random() < 0.8)
        target: Contact | Company = (
            rng.choice(seeded.contacts) if on_contact else rng.choice(seeded.companies)
        )
        kind = _weighted(rng, ACTIVITY_KIND_WEIGHTS)
        rows.append(make_activity(seeded.workspace, kind, target, rng.choice(staff), fake, rng))
    Activity.objects.bulk_create(rows, batch_size=1000)
    seeded.activity_count = len(rows)


def populate_workspace(
    workspace: Workspace, users: list[User], size: DemoSize, seed: int = 2024
) -> Seeded:
    """Tags, companies, contacts and activities in an existing workspace, then its search index.

    `users[1:4]` own the records and `users[1:5]` write the activities (all of `users` when
    there are fewer), matching the order of DEMO_USERS.
    """
    maker = PersonMaker(seed)
    seeded = Seeded(workspace=workspace, users=users)
    tags = Tag.objects.bulk_create(Tag(workspace=workspace, name=n, color=c) for n, c in TAGS)
    _make_companies(seeded, maker, size.companies, tags)
    _make_contacts(seeded, maker, size.contacts, tags)
    _make_activities(seeded, maker.fake_for("US"), maker.rng, size.activities)
    rebuild_index(workspace.pk)
    return seeded


DEMO_VIEWS = (
    ("contact", "Customers", ["lifecycle_stage:eq:customer"], "last_name",
     ["primary_email", "company_id", "owner_id", "country", "updated_at"]),
    ("contact", "Leads to work", ["lifecycle_stage:in:lead,marketing_qualified"], "-updated_at",
     ["primary_email", "company_id", "lifecycle_stage", "lead_source", "owner_id"]),
    ("company", "Large companies", ["employee_count:gte:500"], "-employee_count",
     ["domains", "industry", "employee_count", "country", "owner_id"]),
)  # fmt: skip


def _make_owner_extras(seeded: Seeded, rng: random.Random) -> None:
    """What the demo login sees first: its own tasks around today, and shared list views."""
    owner = seeded.users[0]
    principal = principal_for(owner, seeded.workspace.pk)
    now = timezone.now()
    fake = Faker()
    fake.seed_instance(rng.randint(0, 2**31))
    tasks = []
    for offset in (-3, -1, 0, 0, 1, 2, 4, 7, 10, -6, -8):
        target = rng.choice(seeded.contacts) if seeded.contacts else rng.choice(seeded.companies)
        task = make_activity(seeded.workspace, "task", target, owner, fake, rng)
        task.due_at = now.replace(hour=15, minute=0, second=0, microsecond=0) + dt.timedelta(
            days=offset
        )
        task.is_done = offset < -5
        task.done_at = task.due_at if task.is_done else None
        tasks.append(task)
    Activity.objects.bulk_create(tasks)
    for object_type, name, filters, sort, columns in DEMO_VIEWS:
        create_saved_view(
            principal, object_type=object_type, name=name, is_shared=True,
            filters=filters, sort=sort, columns=columns,
        )  # fmt: skip


@transaction.atomic
def seed_demo(
    size: DemoSize | None = None, seed: int = 2024, name: str = DEMO_WORKSPACE_NAME
) -> Seeded:
    """Create the demo workspace with its users, tags, companies, contacts and activities."""
    workspace, users = create_demo_users(name)
    seeded = populate_workspace(workspace, users, size or DemoSize(), seed)
    _make_owner_extras(seeded, random.Random(seed))
    seed_products(workspace)
    seed_deals(
        workspace, seeded.record_owners(), seeded.companies, seed, (size or DemoSize()).deals
    )
    seed_quotas(workspace, seeded.record_owners())
    seed_commissions(workspace, seeded.record_owners())
    # Made-up tasks already past due were "reminded" long ago: a first `make run` should not
    # send dozens of overdue-task emails. Upcoming ones are reminded as they come due.
    Activity.objects.filter(workspace=workspace, kind="task", due_at__lte=timezone.now()).update(
        reminded_at=timezone.now()
    )
    return seeded
