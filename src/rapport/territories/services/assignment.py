"""Lead and deal assignment made easy: the territories page keeps two ready-made workflows.

Each is an ordinary workflow (listed under /workflows, versioned, audited, editable by hand),
created or updated through `rapport.automation.services`, so the workflow rights apply:

- *lead*: when a contact is created in a lead stage (subscriber to sales qualified), assign it
  by territory, then round-robin or fewest open within the territory's team;
- *deal*: when a deal is created without an owner (an import, the API, a workflow), the same.

Both fall back to a team or a member when no territory matches. Switching one off keeps the
workflow, switched off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from rapport.automation.models import Workflow
from rapport.automation.services import create_workflow, set_workflow_active, update_workflow
from rapport.contacts.models import LEAD_STAGES
from rapport.core.errors import Invalid
from rapport.core.permissions import Principal, require
from rapport.territories.models import ASSIGNMENT_KINDS, AssignmentWorkflow

STEP_ID = "assign"
THEN = ("round_robin", "fewest_open")


@dataclass(frozen=True)
class AssignmentChoice:
    """What the panel asks for one kind: on or off, how to pick within a team, the fallbacks."""

    enabled: bool
    then: str = "round_robin"
    fallback_team_id: int | None = None
    fallback_user_id: int | None = None


WORKFLOWS: dict[str, dict[str, Any]] = {
    "lead": {
        "name": "Assign new leads by territory",
        "description": "Set up under Settings / Territories: a contact created in a lead stage "
        "goes to a member of its territory's team.",
        "trigger": {"type": "record_created", "object_type": "contact"},
        "conditions": {"all": [{"field": "lifecycle_stage", "op": "in", "value": [*LEAD_STAGES]}]},
    },
    "deal": {
        "name": "Assign new deals without an owner by territory",
        "description": "Set up under Settings / Territories: a deal created without an owner "
        "goes to a member of its territory's team.",
        "trigger": {"type": "record_created", "object_type": "deal"},
        "conditions": {"all": [{"field": "owner_id", "op": "is-empty", "value": "true"}]},
    },
}


def assignment_definition(kind: str, choice: AssignmentChoice) -> dict[str, Any]:
    """The workflow definition of one kind of assignment."""
    step: dict[str, Any] = {"id": STEP_ID, "type": "assign_owner", "mode": "territory",
                            "then": choice.then}  # fmt: skip
    if choice.fallback_team_id is not None:
        step["fallback_team_id"] = choice.fallback_team_id
    if choice.fallback_user_id is not None:
        step["fallback_user_id"] = choice.fallback_user_id
    spec = WORKFLOWS[kind]
    return {"trigger": spec["trigger"], "conditions": spec["conditions"], "steps": [step]}


def choice_of(workflow: Workflow | None) -> AssignmentChoice:
    """What a ready-made workflow does now (read back for the panel; edits by hand included
    as far as its first territory step says)."""
    if workflow is None or workflow.current_version is None:
        return AssignmentChoice(enabled=False)
    steps = workflow.current_version.definition.get("steps") or []
    step = next((s for s in steps if isinstance(s, dict) and s.get("mode") == "territory"), {})
    return AssignmentChoice(
        enabled=workflow.is_active,
        then=step.get("then", "round_robin"),
        fallback_team_id=step.get("fallback_team_id"),
        fallback_user_id=step.get("fallback_user_id"),
    )


@transaction.atomic
def set_up_assignment(principal: Principal, kind: str, choice: AssignmentChoice) -> Workflow | None:
    """Create or update the kind's workflow and switch it on or off; None when it is off and
    was never set up. Needs the workflow rights (create, or edit an existing one)."""
    require(principal, "view", "territory")
    if kind not in ASSIGNMENT_KINDS:
        raise Invalid.on("kind", f"Choose one of {', '.join(ASSIGNMENT_KINDS)}.")
    if choice.then not in THEN:
        raise Invalid.on("then", "Choose round-robin or the fewest open records.")
    link = (
        AssignmentWorkflow.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, kind=kind)
        .select_related("workflow")
        .first()
    )
    workflow = link.workflow if link and link.workflow.deleted_at is None else None
    definition = assignment_definition(kind, choice)
    if workflow is None:
        if not choice.enabled:
            return None
        spec = WORKFLOWS[kind]
        data = {"name": spec["name"], "description": spec["description"]}
        workflow = create_workflow(principal, {**data, "definition": definition})
        AssignmentWorkflow.objects.update_or_create(
            workspace_id=principal.workspace_id, kind=kind, defaults={"workflow": workflow}
        )
    else:
        workflow = update_workflow(principal, workflow.pk, {"definition": definition})
    return set_workflow_active(principal, workflow.pk, choice.enabled)
