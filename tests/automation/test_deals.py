"""Workflows on deals: a stage change triggers work, deals are assigned to the member with the
fewest open deals, tagged, and created from a contact."""

from __future__ import annotations

import pytest

from rapport.activities.models import Activity
from rapport.automation.models import WorkflowRun
from rapport.contacts.services import create_contact
from rapport.deals.models import Deal, DealContact
from rapport.deals.services import create_deal, ensure_default_pipeline, move_deal_to_stage
from rapport.workspaces.models import Workspace
from rapport.workspaces.services import create_team, set_team_members
from tests.automation.conftest import active_workflow, contact_trigger, drive
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def step(step_id: str, step_type: str, **fields: object) -> dict[str, object]:
    return {"id": step_id, "type": step_type, **fields}


def test_moving_a_deal_to_negotiation_creates_a_task_on_the_deal(owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    negotiation = pipeline.stages.get(name="Negotiation")
    active_workflow(owner, {
        "trigger": {"type": "field_changed", "object_type": "deal", "field": "stage_id",
                    "to": negotiation.pk},
        "conditions": {"all": [{"field": "stage.kind", "op": "eq", "value": "open"}]},
        "steps": [step("s1", "create_task", subject="Send the contract", due_in_days=1),
                  step("s2", "add_tag", tag="hot")],
    })  # fmt: skip
    deal = create_deal(owner, {"name": "Acme"})
    drive()
    assert not WorkflowRun.objects.exists()
    move_deal_to_stage(owner, deal.pk, negotiation.pk)
    drive()
    task = Activity.objects.get(kind="task")
    assert (task.deal_id, task.subject) == (deal.pk, "Send the contract")
    assert list(Deal.objects.get(pk=deal.pk).tags.values_list("name", flat=True)) == ["hot"]


def test_fewest_open_counts_open_deals_only(owner) -> None:
    workspace = Workspace.objects.get(pk=owner.workspace_id)
    busy, _ = make_member(workspace, "sales_rep")
    free, _ = make_member(workspace, "sales_rep")
    team = create_team(owner, "EMEA")
    set_team_members(owner, team.pk, [busy.pk, free.pk])
    lost = ensure_default_pipeline(owner.workspace_id).stages.get(name="Lost")
    create_deal(owner, {"name": "Busy open", "owner_id": busy.pk})
    for n in range(2):  # closed deals do not count against free
        closed = create_deal(owner, {"name": f"Free lost {n}", "owner_id": free.pk})
        move_deal_to_stage(owner, closed.pk, lost.pk, lost_reason="Budget")
    active_workflow(owner, {
        "trigger": {"type": "record_created", "object_type": "deal"},
        "conditions": {"all": [{"field": "name", "op": "starts-with", "value": "New"}]},
        "steps": [step("s1", "assign_owner", mode="fewest_open", team_id=team.pk)],
    })  # fmt: skip
    deal = create_deal(owner, {"name": "New lead deal"})
    drive()
    assert Deal.objects.get(pk=deal.pk).owner_id == free.pk


def test_a_qualified_contact_gets_a_deal_at_their_company(owner) -> None:
    active_workflow(owner, {
        "trigger": contact_trigger("field_changed", field="lifecycle_stage", to="sales_qualified"),
        "steps": [step("s1", "create_record", object_type="deal",
                       fields={"name": "New business", "amount": "5000"})],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "lifecycle_stage": "lead"})
    from rapport.contacts.services import update_contact

    update_contact(owner, ada.pk, {"lifecycle_stage": "sales_qualified"})
    drive()
    deal = Deal.objects.get()
    assert (deal.name, str(deal.amount), deal.owner_id) == (
        "New business",
        "5000.00",
        owner.user_id,
    )
    assert list(DealContact.objects.values_list("contact_id", "is_primary")) == [(ada.pk, True)]


def test_a_deal_cannot_create_a_related_record(owner) -> None:
    from rapport.automation.services import create_workflow
    from rapport.core.errors import Invalid

    with pytest.raises(Invalid) as caught:
        create_workflow(owner, {"name": "Bad", "definition": {
            "trigger": {"type": "record_created", "object_type": "deal"},
            "steps": [step("s1", "create_record", object_type="contact", fields={})],
        }})  # fmt: skip
    assert caught.value.errors[0].msg == "Step 's1': a deal can get no related record."
