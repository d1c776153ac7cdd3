"""The demo workspace's sales: two pipelines, monthly EUR and GBP rates, and about 600 deals
with a year of stage history (open, won and lost), contacts with roles and a few activities.

Deals move through their pipeline's stages in order, a few days to a few weeks in each, so the
board, stage history and win rates read like a real team's. Rows are written with bulk_create
like the rest of the seed (the command's transaction is the boundary).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone
from faker import Faker

from rapport.activities.models import Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.permissions import system_principal
from rapport.currencies.models import ExchangeRate
from rapport.deals.models import CONTACT_ROLES, Deal, DealContact, DealStageChange, Pipeline, Stage
from rapport.deals.services import create_pipeline
from rapport.demo.timeline import make_activity
from rapport.workspaces.models import User, Workspace

RENEWAL_STAGES = (
    {"name": "Renewal due", "probability": 60, "kind": "open", "expected_days": 30},
    {"name": "Quote sent", "probability": 75, "kind": "open", "expected_days": 21},
    {"name": "Verbal yes", "probability": 90, "kind": "open", "expected_days": 14},
    {"name": "Renewed", "probability": 100, "kind": "won"},
    {"name": "Churned", "probability": 0, "kind": "lost"},
)
# Units of USD (the demo's base currency) per unit, month by month around these levels.
RATES = {"EUR": Decimal("1.08"), "GBP": Decimal("1.27")}
LOST_REASONS = ("Chose a competitor", "No budget", "No decision", "Timing", "Price", "Went quiet")
NEXT_STEPS = (
    "Send the proposal", "Book a demo with the team", "Call about pricing", "Security review",
    "Agree the rollout plan", "Legal review of the contract", "Follow up after the trial",
)  # fmt: skip
PRODUCTS = ("seats", "Enterprise plan", "pilot", "rollout", "renewal", "expansion", "support")


def _rates(workspace: Workspace, rng: random.Random, today: dt.date) -> None:
    rows = []
    for code, level in RATES.items():
        for months_back in range(24, -1, -1):
            month = (today.replace(day=1) - dt.timedelta(days=months_back * 30)).replace(day=1)
            wobble = Decimal(rng.randint(-40, 40)) / 1000
            rows.append(ExchangeRate(workspace=workspace, currency=code, rate_on=month,
                                     rate=level + wobble, source="demo"))  # fmt: skip
    ExchangeRate.objects.bulk_create(rows, ignore_conflicts=True)


def _amount(rng: random.Random) -> Decimal:
    raw = rng.lognormvariate(9.6, 0.9)  # median about 15,000
    return Decimal(max(500, round(raw / 100) * 100))


def _path(stages: list[Stage], rng: random.Random) -> list[Stage]:
    """The stages a deal went through: open ones in order, ending open, won or lost."""
    open_stages = [s for s in stages if s.kind == "open"]
    won = next(s for s in stages if s.kind == "won")
    lost = next(s for s in stages if s.kind == "lost")
    outcome = rng.choices(("open", "won", "lost"), weights=(50, 27, 23))[0]
    depth = rng.randint(1, len(open_stages))
    path = open_stages[:depth]
    if outcome == "won":
        path = [*open_stages[: max(depth, len(open_stages) - 1)], won]
    elif outcome == "lost":
        path = [*path, lost]
    return path


class _DealMaker:
    def __init__(self, workspace: Workspace, owners: list[User], rng: random.Random) -> None:
        self.workspace, self.owners, self.rng = workspace, owners, rng
        self.now = timezone.now()
        self.deals: list[Deal] = []
        self.stays: list[list[DealStageChange]] = []

    def make(self, pipeline: Pipeline, stages: list[Stage], company: Company) -> None:
        rng, now = self.rng, self.now
        path = _path(stages, rng)
        created = now - dt.timedelta(days=rng.randint(5, 365), hours=rng.randint(0, 23))
        at, stays = created, []
        for i, stage in enumerate(path):
            before = path[i - 1] if i else None
            stays.append(DealStageChange(workspace=self.workspace, pipeline=pipeline, stage=stage,
                                         from_stage=before, entered_at=at))  # fmt: skip
            if i + 1 < len(path):
                step = dt.timedelta(days=rng.randint(2, 25), hours=rng.randint(0, 23))
                left = min(at + step, now - dt.timedelta(hours=len(path) - i))
                stays[-1].left_at = at = max(left, at + dt.timedelta(minutes=1))
        final = path[-1]
        closed_on = at.date() if final.kind != "open" else None
        expected = closed_on or (now + dt.timedelta(days=rng.randint(-12, 100))).date()
        probability = final.probability
        category = {"won": "closed", "lost": "omitted"}.get(final.kind) or (
            "commit" if probability >= 80 else "best_case" if probability >= 50 else "pipeline"
        )
        currency = rng.choices(("USD", "EUR", "GBP"), weights=(75, 15, 10))[0]
        is_open = final.kind == "open"
        next_on = (now + dt.timedelta(days=rng.randint(-3, 14))).date() if is_open else None
        self.deals.append(Deal(
            workspace=self.workspace, name=f"{company.name} — {rng.choice(PRODUCTS)}",
            amount=_amount(rng), currency=currency, pipeline=pipeline, stage=final,
            stage_entered_at=at, expected_close_on=expected, closed_on=closed_on,
            owner=company.owner or rng.choice(self.owners), company=company,
            next_step=rng.choice(NEXT_STEPS) if final.kind == "open" else "",
            next_step_on=next_on,
            lost_reason=rng.choice(LOST_REASONS) if final.kind == "lost" else "",
            forecast_category=category,
            source=rng.choice(("Website", "Referral", "Partner", "Outbound")),
            created_at=created, updated_at=at,
        ))  # fmt: skip
        self.stays.append(stays)


def seed_deals(
    workspace: Workspace, owners: list[User], companies: list[Company], seed: int, count: int = 600
) -> list[Deal]:
    """Pipelines, rates and deals for the demo (see the module docstring)."""
    rng = random.Random(seed + 5)
    if not companies or not owners:
        return []
    system = system_principal(workspace.pk)
    sales = create_pipeline(system, {"name": "Sales"})
    renewals = create_pipeline(system, {"name": "Renewals", "stages": list(RENEWAL_STAGES)})
    _rates(workspace, rng, timezone.now().date())
    maker = _DealMaker(workspace, owners, rng)
    stages = {p.pk: list(p.stages.order_by("position")) for p in (sales, renewals)}
    for n in range(count):
        pipeline = renewals if n % 5 == 0 else sales
        maker.make(pipeline, stages[pipeline.pk], rng.choice(companies))
    deals = Deal.objects.bulk_create(maker.deals, batch_size=500)
    for deal, stays in zip(deals, maker.stays, strict=True):
        for stay in stays:
            stay.deal = deal
    DealStageChange.objects.bulk_create(
        [s for stays in maker.stays for s in stays], batch_size=1000
    )
    _link_contacts(workspace, deals, rng)
    _deal_activities(workspace, deals, owners, rng)
    return deals


def _link_contacts(workspace: Workspace, deals: list[Deal], rng: random.Random) -> None:
    by_company: dict[int, list[int]] = {}
    rows = Contact.objects.filter(workspace=workspace, company__isnull=False)
    for contact_id, company_id in rows.values_list("pk", "company_id"):
        by_company.setdefault(company_id, []).append(contact_id)
    links = []
    for deal in deals:
        people = by_company.get(deal.company_id or 0, [])
        for i, contact_id in enumerate(rng.sample(people, min(len(people), rng.randint(1, 3)))):
            role = "decision_maker" if i == 0 else rng.choice(CONTACT_ROLES[1:])
            links.append(DealContact(workspace=workspace, deal=deal, contact_id=contact_id,
                                     role=role, is_primary=i == 0))  # fmt: skip
    DealContact.objects.bulk_create(links, batch_size=1000)


def _deal_activities(
    workspace: Workspace, deals: list[Deal], owners: list[User], rng: random.Random
) -> None:
    fake = Faker()
    fake.seed_instance(rng.randint(0, 2**31))
    rows = []
    for deal in deals:
        if deal.stage.kind != "open" and rng.random() < 0.6:
            continue
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(("note", "call", "meeting", "email"))
            assert deal.company is not None
            activity = make_activity(
                workspace, kind, deal.company, deal.owner or owners[0], fake, rng
            )
            activity.company, activity.deal = None, deal
            activity.occurred_at = max(activity.occurred_at, deal.created_at)
            rows.append(activity)
    Activity.objects.bulk_create(rows, batch_size=1000)
