"""A seeded benchmark dataset written fast: explicit ids and multi-row inserts (COPY on PostgreSQL).

Per contact: one email, one phone and ACTIVITIES_PER_CONTACT activities; one company per
CONTACTS_PER_COMPANY contacts. Columns the generator does not set get the model field's default,
so fields other engineers add later need no change here as long as they have a default.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.companies.models import Company, CompanyDomain
from rapport.contacts.models import Contact, ContactEmail, ContactPhone
from rapport.search.services import rebuild_index
from rapport.workspaces.models import User, Workspace
from rapport.workspaces.queries import principal_for
from rapport.workspaces.services import create_api_token, create_workspace

CONTACTS_PER_COMPANY = 5
ACTIVITIES_PER_CONTACT = 5
CHUNK = 5000
_FIRST_NAMES = (
    "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara "
    "Richard Susan Joseph Jessica Thomas Sarah Charles Karen Lukas Emma Noah Mia Louis "
    "Chloe Hugo Lea Sofia Mateo Lucia Daan Julia Sem Anna Oliver Amelia Jack Isla"
)
_LAST_NAMES = (
    "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez "
    "Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez Thompson "
    "White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott "
    "Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter "
    "Muller Schmidt Schneider Fischer Weber Dubois Moreau Laurent DeJong Jansen Visser"
)
FIRST = _FIRST_NAMES.split()
LAST = _LAST_NAMES.split()
STAGES = ("subscriber", "lead", "lead", "marketing_qualified", "sales_qualified", "opportunity",
          "customer", "customer", "evangelist", "other")  # fmt: skip
KINDS = ("note", "call", "meeting", "email", "task")
JOBS = ("CEO", "CTO", "Head of Sales", "Buyer", "Engineer", "Analyst", "Office manager", "")


class Inserter:
    """Writes rows of one model: `given` columns per row, every other column its default."""

    def __init__(self, model: type[models.Model], given: Sequence[str]) -> None:
        fields = [f for f in model._meta.local_concrete_fields]
        by_attname = {f.attname: f for f in fields}
        self.table = model._meta.db_table
        self.given = [by_attname[name] for name in given]
        self.fixed = [
            (f, f.get_db_prep_save(f.get_default(), connection))
            for f in fields
            if f.attname not in given and not f.primary_key  # ungiven keys: the database's
        ]
        self.columns = [f.column for f in self.given] + [f.column for f, _ in self.fixed]
        self._fixed_values = tuple(value for _, value in self.fixed)

    def _prepared(self, rows: Iterable[Sequence[Any]]) -> Iterator[tuple[Any, ...]]:
        fields = self.given
        for row in rows:
            yield (
                *(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True)),
                *self._fixed_values,
            )

    def write(self, rows: Iterable[Sequence[Any]]) -> int:
        count = 0
        chunk: list[tuple[Any, ...]] = []
        for row in self._prepared(rows):
            chunk.append(row)
            if len(chunk) == CHUNK:
                count += self._flush(chunk)
                chunk = []
        return count + (self._flush(chunk) if chunk else 0)

    def _flush(self, chunk: list[tuple[Any, ...]]) -> int:
        cols = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                raw = cursor.cursor  # psycopg 3: COPY is several times faster than INSERT
                with raw.copy(f"COPY {self.table} ({cols}) FROM STDIN") as copy:
                    for row in chunk:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(f"INSERT INTO {self.table} ({cols}) VALUES ({marks})", chunk)
        return len(chunk)


def _next_id(model: type[models.Model]) -> int:
    last = model._default_manager.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def _ago(rng: random.Random, now: dt.datetime, days: int) -> dt.datetime:
    return now - dt.timedelta(seconds=rng.randrange(60, days * 86400))


def _write_companies(ws: Workspace, owners: list[int], count: int, rng: random.Random) -> range:
    now, first = timezone.now(), _next_id(Company)
    ids = range(first, first + count)
    Inserter(
        Company,
        ["id", "workspace_id", "name", "industry", "country", "owner_id", "website",
         "created_at", "updated_at"],
    ).write(
        (i, ws.pk, f"{rng.choice(LAST)} {rng.choice(LAST)} {i}", "Software", "US",
         rng.choice(owners), f"https://c{i}.example.com", (t := _ago(rng, now, 900)), t)
        for i in ids
    )  # fmt: skip
    Inserter(CompanyDomain, ["company_id", "workspace_id", "domain"]).write(
        (i, ws.pk, f"c{i}.example.com") for i in ids
    )
    return ids


def _write_contacts(
    ws: Workspace, owners: list[int], companies: range, count: int, rng: random.Random
) -> range:
    now, first = timezone.now(), _next_id(Contact)
    ids = range(first, first + count)
    company_of = [companies[rng.randrange(len(companies))] if companies else None for _ in ids]
    names = [(rng.choice(FIRST), rng.choice(LAST)) for _ in ids]
    emails = [
        f"{fn.lower()}.{ln.lower()}.{i}@c{co}.example.com" if co else f"p{i}@example.org"
        for i, (fn, ln), co in zip(ids, names, company_of, strict=True)
    ]
    Inserter(
        Contact,
        ["id", "workspace_id", "first_name", "last_name", "job_title", "company_id",
         "lifecycle_stage", "owner_id", "primary_email", "country", "created_at", "updated_at"],
    ).write(
        (i, ws.pk, fn, ln, rng.choice(JOBS), co, rng.choice(STAGES), rng.choice(owners), email,
         "US", (t := _ago(rng, now, 900)), t)
        for i, (fn, ln), co, email in zip(ids, names, company_of, emails, strict=True)
    )  # fmt: skip
    Inserter(ContactEmail, ["contact_id", "workspace_id", "email", "is_primary"]).write(
        (i, ws.pk, email, True) for i, email in zip(ids, emails, strict=True)
    )
    Inserter(ContactPhone, ["contact_id", "workspace_id", "number", "kind", "is_primary"]).write(
        (i, ws.pk, f"+1201555{i % 10000:04d}", "mobile", True) for i in ids
    )
    return ids


def _write_activities(
    ws: Workspace, owners: list[int], contacts: range, per_contact: int, rng: random.Random
) -> int:
    now = timezone.now()
    given = ["workspace_id", "kind", "contact_id", "subject", "body", "occurred_at", "owner_id",
             "due_at", "created_at", "updated_at"]  # fmt: skip

    def rows() -> Iterator[tuple[Any, ...]]:
        for contact_id in contacts:
            for _ in range(per_contact):
                kind = rng.choice(KINDS)
                at = _ago(rng, now, 365)
                due = now + dt.timedelta(days=rng.randint(-14, 21)) if kind == "task" else None
                yield (ws.pk, kind, contact_id, f"{kind} {contact_id}", "Discussed next steps.",
                       at, rng.choice(owners), due, at, at)  # fmt: skip

    return Inserter(Activity, given).write(rows())


def _reset_sequences(models_: list[type[models.Model]]) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def generate(contacts: int, seed: int = 1) -> dict[str, Any]:
    """Create the benchmark workspace; returns its id, a read token and what was written."""
    rng = random.Random(seed)
    timings: dict[str, float] = {}
    started = time.monotonic()
    owner = User.objects.create_user(f"bench{seed}@example.com", None, full_name="Bench Owner")
    workspace = create_workspace("Bench", owner)
    principal = principal_for(owner, workspace.pk)
    _, token = create_api_token(principal, "bench", can_write=False)
    owners = [owner.pk]
    with transaction.atomic():
        companies = _write_companies(workspace, owners, contacts // CONTACTS_PER_COMPANY, rng)
        contact_ids = _write_contacts(workspace, owners, companies, contacts, rng)
        activities = _write_activities(workspace, owners, contact_ids, ACTIVITIES_PER_CONTACT, rng)
        _reset_sequences([Company, CompanyDomain, Contact, ContactEmail, ContactPhone, Activity])
    timings["insert_seconds"] = round(time.monotonic() - started, 2)
    started = time.monotonic()
    entries = rebuild_index(workspace.pk)
    timings["search_index_seconds"] = round(time.monotonic() - started, 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics, as a long-running database would have
    return {
        "workspace_id": workspace.pk,
        "token": token,
        "counts": {
            "contacts": len(contact_ids),
            "companies": len(companies),
            "activities": activities,
            "search_entries": entries,
        },
        **timings,
    }
