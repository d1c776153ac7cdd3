"""Time-based triggers, run by the scheduler every minute: dates ("30 days before renewal",
"on birthday"), no activity for N days, and recurring schedules.

Each workflow remembers how far it has looked (`checked_until`); a check covers what fell due
since then, so a scheduler that was down catches up once when it returns. Runs are keyed by
record and occurrence, so a check repeated after a crash starts nothing twice. A recurring
schedule that missed several occurrences runs once, for the latest.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django.db.models import DateTimeField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from rapport.activities.models import Activity
from rapport.automation import definitions as d
from rapport.automation.conditions import condition_q
from rapport.automation.engine import parsed_version, start_run, workflow_principal
from rapport.automation.models import Workflow
from rapport.automation.record_types import RECORD_TYPES, RecordType
from rapport.customfields.queries import PREFIX
from rapport.workspaces.models import Workspace

MAX_CATCH_UP = dt.timedelta(days=7)  # how far back a date trigger looks after downtime
MAX_RECORDS = 5000  # runs one workflow starts per check; the rest wait for the next minute


def _zone(workflow: Workflow, zones: dict[int, zoneinfo.ZoneInfo]) -> zoneinfo.ZoneInfo:
    if workflow.workspace_id not in zones:
        name = Workspace.objects.values_list("time_zone", flat=True).get(pk=workflow.workspace_id)
        zones[workflow.workspace_id] = zoneinfo.ZoneInfo(name or "UTC")
    return zones[workflow.workspace_id]


def _at(day: dt.date, hh_mm: str, zone: zoneinfo.ZoneInfo) -> dt.datetime:
    hour, minute = (int(p) for p in hh_mm.split(":"))
    return dt.datetime.combine(day, dt.time(hour, minute), zone).astimezone(dt.UTC)


def _days(start: dt.datetime, end: dt.datetime, zone: zoneinfo.ZoneInfo) -> list[dt.date]:
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def _records(workflow: Workflow, kind: RecordType, definition: d.Definition, extra: Q) -> Any:
    principal = workflow_principal(workflow, 0)
    qs = kind.with_custom(kind.queryset(principal), workflow.workspace_id).filter(extra)
    if definition.conditions is not None:
        qs = qs.filter(
            condition_q(definition.conditions, kind.condition_fields(workflow.workspace_id))
        )
    return qs.values_list("pk", flat=True).distinct().order_by("pk")[:MAX_RECORDS]


def _date_q(kind: RecordType, field: str, day: dt.date, every_year: bool, zone: Any) -> Q:
    if field.startswith(PREFIX):
        path = f"custom__{field.removeprefix(PREFIX)}"
        if every_year:
            return Q(**{f"{path}__endswith": f"-{day:%m-%d}"})
        return Q(**{f"{path}__startswith": day.isoformat()})
    model_field = kind.model._meta.get_field(field)
    if isinstance(model_field, DateTimeField):
        start = dt.datetime.combine(day, dt.time(), zone)
        return Q(**{f"{field}__gte": start, f"{field}__lt": start + dt.timedelta(days=1)})
    if every_year:
        return Q(**{f"{field}__month": day.month, f"{field}__day": day.day})
    return Q(**{field: day})


def _fire_dates(workflow: Workflow, trigger: d.DateTrigger, definition: d.Definition,
                since: dt.datetime, now: dt.datetime, zone: Any) -> int:  # fmt: skip
    kind = RECORD_TYPES[trigger.object_type]
    started = 0
    for day in _days(since, now, zone):
        fire_at = _at(day, trigger.at, zone)
        if not since < fire_at <= now:
            continue
        date = day - dt.timedelta(days=trigger.offset_days)
        match = _date_q(kind, trigger.field, date, trigger.every_year, zone)
        for record_id in _records(workflow, kind, definition, match):
            details = {"type": "date", "field": trigger.field, "date": date.isoformat()}
            started += bool(start_run(workflow, f"date:{day}:{record_id}", details, record_id))
    return started


def _fire_quiet(workflow: Workflow, trigger: d.NoActivityTrigger, definition: d.Definition,
                since: dt.datetime | None, now: dt.datetime) -> int:  # fmt: skip
    kind = RECORD_TYPES[trigger.object_type]
    link = f"{kind.object_type}_id"  # contact_id, company_id or deal_id
    latest = Activity.objects.filter(
        **{link: OuterRef("pk")}, workspace_id=workflow.workspace_id, deleted_at__isnull=True
    ).order_by("-occurred_at")
    last = Coalesce(Subquery(latest.values("occurred_at")[:1]), "created_at")
    cutoff = now - dt.timedelta(days=trigger.days)
    window = Q(quiet_since__lte=cutoff)
    if since is not None:
        window &= Q(quiet_since__gt=since - dt.timedelta(days=trigger.days))
    principal = workflow_principal(workflow, 0)
    qs = (
        kind.with_custom(kind.queryset(principal), workflow.workspace_id)
        .annotate(quiet_since=last)
        .filter(window)
    )
    if definition.conditions is not None:
        qs = qs.filter(
            condition_q(definition.conditions, kind.condition_fields(workflow.workspace_id))
        )
    started = 0
    for record_id, quiet_since in qs.values_list("pk", "quiet_since").order_by("pk")[:MAX_RECORDS]:
        details = {
            "type": "no_activity",
            "days": trigger.days,
            "last_activity_at": quiet_since.isoformat(),
        }
        key = f"quiet:{record_id}:{quiet_since:%Y%m%dT%H%M%S}"
        started += bool(start_run(workflow, key, details, record_id))
    return started


def _fire_schedule(workflow: Workflow, trigger: d.ScheduleTrigger, definition: d.Definition,
                   since: dt.datetime, now: dt.datetime, zone: Any) -> int:  # fmt: skip
    due = [
        _at(day, trigger.at, zone)
        for day in _days(since, now, zone)
        if day.weekday() in trigger.weekdays
    ]
    due = [t for t in due if since < t <= now]
    if not due:
        return 0
    occurrence = due[-1]  # missed occurrences are caught up once, as the latest
    kind = RECORD_TYPES[trigger.object_type]
    started = 0
    for record_id in _records(workflow, kind, definition, Q()):
        details = {"type": "schedule", "at": occurrence.isoformat()}
        started += bool(
            start_run(
                workflow, f"schedule:{occurrence:%Y%m%dT%H%M}:{record_id}", details, record_id
            )
        )
    return started


def fire_time_triggers(now: dt.datetime) -> int:
    """Start the runs that time-based triggers owe up to `now`; how many were started."""
    zones: dict[int, zoneinfo.ZoneInfo] = {}
    started = 0
    workflows = Workflow.objects.filter(
        is_active=True,
        deleted_at__isnull=True,
        trigger_type__in=("date", "no_activity", "schedule"),
    ).select_related("current_version")
    for workflow in workflows:
        definition = parsed_version(workflow.current_version)
        trigger = definition.trigger
        since = max(workflow.checked_until or now - dt.timedelta(minutes=1), now - MAX_CATCH_UP)
        zone = _zone(workflow, zones)
        if isinstance(trigger, d.DateTrigger):
            started += _fire_dates(workflow, trigger, definition, since, now, zone)
        elif isinstance(trigger, d.NoActivityTrigger):
            started += _fire_quiet(workflow, trigger, definition, workflow.checked_until, now)
        elif isinstance(trigger, d.ScheduleTrigger):
            started += _fire_schedule(workflow, trigger, definition, since, now, zone)
        Workflow.objects.filter(pk=workflow.pk).update(checked_until=now)
    return started
