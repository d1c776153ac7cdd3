"""The automation consumer of domain events: start a run of every active workflow the event
triggers (created, updated, a field changed, deleted) whose conditions the record meets.

Idempotent: a run's trigger key is the event id, so an event delivered twice starts one run.
Loop protection: an event caused by a workflow carries its depth; past MAX_DEPTH it triggers
nothing. A storm (more than WORKFLOW_RUNS_PER_MINUTE triggers of one workflow) is cut off,
counted on the workflow and reported to its owner once per minute.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db.models import F

from rapport.automation import definitions as d
from rapport.automation.conditions import matching_workflows
from rapport.automation.engine import parsed_version, start_run
from rapport.automation.models import Workflow
from rapport.automation.record_types import RECORD_TYPES
from rapport.core import ratelimit
from rapport.core.events import Event
from rapport.core.permissions import system_principal
from rapport.notifications.services import notify

logger = logging.getLogger(__name__)

MAX_DEPTH = 3  # workflow changes that may trigger workflows in a chain (A -> B -> C)
_TRIGGERS_OF = {
    "created": ("record_created",),
    "updated": ("record_updated", "field_changed"),
    "deleted": ("record_deleted",),
}


def _field_changed(trigger: d.FieldChangedTrigger, changes: dict[str, Any]) -> bool:
    name = trigger.field.removeprefix("custom.")
    if trigger.field.startswith("custom."):
        custom = changes.get("custom")
        if not custom:
            return False
        before, after = ((custom[0] or {}).get(name), (custom[1] or {}).get(name))
    elif trigger.field in changes:
        before, after = changes[trigger.field]
    else:
        return False
    if before == after:
        return False
    if "from_value" in trigger.model_fields_set and before != trigger.from_value:
        return False
    return not ("to_value" in trigger.model_fields_set and after != trigger.to_value)


def storm(workflow: Workflow) -> bool:
    """True (and reported) when the workflow was triggered too often this minute."""
    limit = settings.WORKFLOW_RUNS_PER_MINUTE
    if ratelimit.hit(f"workflow:{workflow.pk}", limit, 60) is None:
        return False
    Workflow.objects.filter(pk=workflow.pk).update(throttled_count=F("throttled_count") + 1)
    if ratelimit.count(f"workflow:{workflow.pk}", 60) == limit + 1:  # the first one cut off
        notify(
            system_principal(workflow.workspace_id), [workflow.owner_id], "workflow_failed",
            f"Workflow “{workflow.name}” is triggered too often",
            f"More than {limit} triggers in a minute; the rest of this minute's are dropped.",
            "workflow", workflow.pk,
        )  # fmt: skip
    logger.warning("workflow %s: trigger storm, run dropped", workflow.pk)
    return True


def handle_event(event: Event) -> None:
    verb = event.name.rpartition(".")[2]
    kind = RECORD_TYPES.get(event.object_type)
    if kind is None or verb not in _TRIGGERS_OF:
        return
    if event.depth >= MAX_DEPTH:
        logger.info("event %s at depth %s: triggers no workflow", event.id, event.depth)
        return
    workflows = Workflow.objects.filter(
        workspace_id=event.workspace_id,
        is_active=True,
        deleted_at__isnull=True,
        object_type=event.object_type,
        trigger_type__in=_TRIGGERS_OF[verb],
    ).select_related("current_version")
    candidates: dict[int, tuple[Workflow, d.Definition]] = {}
    for workflow in workflows:
        if workflow.activated_at is not None and event.occurred_at < workflow.activated_at:
            continue
        definition = parsed_version(workflow.current_version)
        trigger = definition.trigger
        if isinstance(trigger, d.FieldChangedTrigger) and not _field_changed(
            trigger, event.payload.get("changes", {})
        ):
            continue
        candidates[workflow.pk] = (workflow, definition)
    if not candidates:
        return
    if verb == "deleted":  # the record is in the restore bin: conditions cannot be tested
        matched = set(candidates)
    else:
        principal = system_principal(event.workspace_id)
        conditions = {pk: definition.conditions for pk, (_, definition) in candidates.items()}
        matched = matching_workflows(principal, kind, conditions, event.object_id)
    for pk in sorted(matched):
        workflow, definition = candidates[pk]
        if storm(workflow):
            continue
        details = {"type": definition.trigger.type, "event_id": event.id, "event": event.name,
                   "payload": event.payload, "actor_user_id": event.actor_user_id}  # fmt: skip
        start_run(workflow, f"event:{event.id}", details, event.object_id, event.depth, inline=True)
