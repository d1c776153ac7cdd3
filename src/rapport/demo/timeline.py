"""Demo activities: notes, calls, meetings, emails and tasks with due dates around today."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone
from faker import Faker

from rapport.activities.models import Activity
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.workspaces.models import User, Workspace

NOTE_SUBJECTS = (
    "Budget confirmed",
    "Decision maker identified",
    "Follow-up needed",
    "Competitor mentioned",
    "Renewal discussion",
    "Feedback on onboarding",
)
EMAIL_SUBJECTS = (
    "Proposal attached",
    "Re: pricing question",
    "Meeting recap",
    "Intro",
    "Contract draft",
    "Quick check-in",
    "Re: support ticket",
)
TASK_SUBJECTS = (
    "Send proposal",
    "Call back",
    "Prepare demo",
    "Update contract",
    "Schedule quarterly review",
    "Check in after onboarding",
)
CALL_OUTCOMES = ("connected", "connected", "left voicemail", "no answer", "wrong number")


def _business_time(day: dt.datetime, rng: random.Random) -> dt.datetime:
    return day.replace(
        hour=rng.randint(8, 17), minute=rng.choice([0, 15, 30, 45]), second=0, microsecond=0
    )


def _fill_kind(activity: Activity, target_name: str, fake: Faker, rng: random.Random) -> None:
    now = timezone.now()
    kind = activity.kind
    if kind == "note":
        activity.subject = rng.choice(NOTE_SUBJECTS)
    elif kind == "call":
        activity.direction = rng.choice(["inbound", "outbound", "outbound"])
        activity.duration_seconds = rng.randint(30, 2400)
        activity.outcome = rng.choice(CALL_OUTCOMES)
        activity.subject = f"Call with {target_name}"
    elif kind == "meeting":
        if rng.random() < 0.2:  # some meetings are coming up
            activity.occurred_at = _business_time(now + dt.timedelta(days=rng.randint(1, 14)), rng)
        activity.ends_at = activity.occurred_at + dt.timedelta(minutes=rng.choice([30, 45, 60]))
        activity.subject = f"Meeting with {target_name}"
        activity.attendees = [{"name": target_name, "email": ""}]
    elif kind == "email":
        activity.direction = rng.choice(["inbound", "outbound"])
        activity.subject = rng.choice(EMAIL_SUBJECTS)
    else:  # task
        due = _business_time(now + dt.timedelta(days=rng.randint(-14, 21)), rng)
        activity.subject = rng.choice(TASK_SUBJECTS)
        activity.due_at = due
        activity.occurred_at = min(activity.occurred_at, due - dt.timedelta(days=1))
        activity.priority = rng.choice(["low", "normal", "normal", "high"])
        activity.is_done = due < now and rng.random() < 0.7
        activity.done_at = due if activity.is_done else None


def make_activity(
    workspace: Workspace,
    kind: str,
    target: Contact | Company,
    user: User,
    fake: Faker,
    rng: random.Random,
) -> Activity:
    """An unsaved activity of `kind` on a contact or company, written by (or assigned to) user."""
    now = timezone.now()
    occurred = _business_time(now - dt.timedelta(days=rng.randint(0, 365)), rng)
    occurred = min(occurred, now - dt.timedelta(minutes=5))
    activity = Activity(
        workspace=workspace,
        kind=kind,
        contact=target if isinstance(target, Contact) else None,
        company=target if isinstance(target, Company) else None,
        body=fake.paragraph(nb_sentences=rng.randint(1, 4)),
        occurred_at=occurred,
        owner=user,
        assignee=user if kind == "task" else None,
    )
    _fill_kind(activity, str(target), fake, rng)
    activity.created_at = activity.updated_at = min(activity.occurred_at, now)
    return activity
