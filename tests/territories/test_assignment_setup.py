"""The ready-made lead and deal assignment workflows the territories page keeps."""

from __future__ import annotations

import pytest

from rapport.automation.models import Workflow
from rapport.automation.services import delete_workflow
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.errors import Forbidden, Invalid
from rapport.core.models import AuditEntry
from rapport.deals.models import Deal
from rapport.deals.services import create_deal
from rapport.territories.models import AssignmentWorkflow
from rapport.territories.services import AssignmentChoice, choice_of, set_up_assignment
from tests.automation.conftest import drive
from tests.conftest import make_member
from tests.territories.factories import make_team, make_territory

pytestmark = pytest.mark.django_db

LEAD_STAGES = ["subscriber", "lead", "marketing_qualified", "sales_qualified"]


def test_switching_lead_assignment_on_creates_a_workflow_that_assigns_new_leads(
    workspace, owner
) -> None:
    ann, _ = make_member(workspace, "sales_rep", full_name="Ann")
    eve, _ = make_member(workspace, "sales_rep", full_name="Eve")
    make_territory(owner, make_team(owner, ann), name="Germany", countries=["DE"])
    inbound = make_team(owner, name="Inbound")
    choice = AssignmentChoice(True, "fewest_open", inbound.pk, eve.pk)
    workflow = set_up_assignment(owner, "lead", choice)
    assert workflow is not None and workflow.is_active
    assert (workflow.name, workflow.object_type, workflow.trigger_type) == (
        "Assign new leads by territory", "contact", "record_created",
    )  # fmt: skip
    assert workflow.current_version is not None
    assert workflow.current_version.definition == {
        "trigger": {"type": "record_created", "object_type": "contact"},
        "conditions": {"all": [{"field": "lifecycle_stage", "op": "in", "value": LEAD_STAGES}]},
        "steps": [{"id": "assign", "type": "assign_owner", "mode": "territory",
                   "then": "fewest_open", "fallback_team_id": inbound.pk,
                   "fallback_user_id": eve.pk}],
    }  # fmt: skip
    assert AssignmentWorkflow.objects.get(kind="lead").workflow_id == workflow.pk
    assert choice_of(workflow) == choice
    lead = create_contact(owner, {"first_name": "Lead", "country": "DE"})
    elsewhere = create_contact(owner, {"first_name": "Lead", "country": "US"})
    customer = create_contact(owner, {"first_name": "Customer", "country": "DE",
                                      "lifecycle_stage": "customer"})  # fmt: skip
    drive()
    found = {c.pk: c.owner_id for c in Contact.objects.all()}
    assert [found[lead.pk], found[elsewhere.pk], found[customer.pk]] == [
        ann.pk, eve.pk, owner.user_id,
    ]  # fmt: skip


def test_saving_again_updates_the_same_workflow_and_off_switches_it_off(owner) -> None:
    team = make_team(owner)
    first = set_up_assignment(owner, "deal", AssignmentChoice(True))
    assert first is not None
    again = set_up_assignment(owner, "deal", AssignmentChoice(True, "fewest_open", team.pk))
    assert again is not None and again.pk == first.pk and again.current_version is not None
    assert again.current_version.number == 2
    off = set_up_assignment(owner, "deal", AssignmentChoice(False, "fewest_open", team.pk))
    assert off is not None and off.pk == first.pk and not off.is_active
    assert choice_of(off) == AssignmentChoice(False, "fewest_open", team.pk)
    assert Workflow.objects.count() == 1
    assert set_up_assignment(owner, "lead", AssignmentChoice(False)) is None
    assert Workflow.objects.count() == 1


def test_deal_assignment_gives_new_deals_without_an_owner_to_the_territory(
    workspace, owner
) -> None:
    ann, _ = make_member(workspace, "sales_rep", full_name="Ann")
    make_territory(owner, make_team(owner, ann, name="Everyone"), name="Everywhere")
    set_up_assignment(owner, "deal", AssignmentChoice(True))
    unowned = create_deal(owner, {"name": "Imported", "owner_id": None})
    mine = create_deal(owner, {"name": "Mine"})
    drive()
    assert Deal.objects.get(pk=unowned.pk).owner_id == ann.pk
    assert Deal.objects.get(pk=unowned.pk).last_assignment == (
        "Assigned by territory Everywhere (round-robin) to Ann"
    )
    assert Deal.objects.get(pk=mine.pk).owner_id == owner.user_id


def test_a_deleted_workflow_is_set_up_anew(owner) -> None:
    first = set_up_assignment(owner, "lead", AssignmentChoice(True))
    assert first is not None
    delete_workflow(owner, first.pk)
    second = set_up_assignment(owner, "lead", AssignmentChoice(True))
    assert second is not None and second.pk != first.pk and second.is_active
    assert AssignmentWorkflow.objects.get(kind="lead").workflow_id == second.pk


def test_a_sales_rep_cannot_set_up_assignment_and_nothing_changes(workspace, owner) -> None:
    set_up_assignment(owner, "lead", AssignmentChoice(True))
    _, rep = make_member(workspace, "sales_rep")
    before = (list(Workflow.objects.values()), AuditEntry.objects.count())
    for kind in ("lead", "deal"):
        with pytest.raises(Forbidden):
            set_up_assignment(rep, kind, AssignmentChoice(True, "fewest_open"))
    assert (list(Workflow.objects.values()), AuditEntry.objects.count()) == before
    assert AssignmentWorkflow.objects.count() == 1


def test_bad_choices_are_refused(owner) -> None:
    with pytest.raises(Invalid) as exc:
        set_up_assignment(owner, "task", AssignmentChoice(True))
    assert [e.loc for e in exc.value.errors] == [("kind",)]
    with pytest.raises(Invalid) as exc:
        set_up_assignment(owner, "lead", AssignmentChoice(True, "user"))
    assert [e.loc for e in exc.value.errors] == [("then",)]
    with pytest.raises(Invalid) as exc:
        set_up_assignment(owner, "lead", AssignmentChoice(True, fallback_team_id=999_999))
    assert [e.loc for e in exc.value.errors] == [("definition", "steps", 0, "fallback_team_id")]
    assert not Workflow.objects.exists() and not AssignmentWorkflow.objects.exists()
