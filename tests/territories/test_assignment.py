"""Assigning owners by territory in workflows: the matched territory's team in turn or by
fewest open records, away members skipped (in every mode), fallbacks, the note on the record,
the run's output and the dry run."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rapport.automation import services as automation
from rapport.automation.models import RunStep, Workflow, WorkflowRun
from rapport.automation.services import create_workflow
from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, update_contact
from rapport.core.errors import Invalid
from rapport.core.permissions import Principal
from rapport.deals.models import Deal
from rapport.deals.services import create_deal
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.queries import workspace_today
from rapport.workspaces.services import set_member_away
from tests.automation.conftest import active_workflow, contact_trigger, drive
from tests.conftest import make_member
from tests.territories.factories import make_team, make_territory

pytestmark = pytest.mark.django_db


def by_territory(then: str = "round_robin", **extra: Any) -> dict[str, Any]:
    return {"id": "assign", "type": "assign_owner", "mode": "territory", "then": then, **extra}


def people(workspace: Workspace, *names: str) -> list[User]:
    return [make_member(workspace, "sales_rep", full_name=name)[0] for name in names]


def owners(*contacts: Contact) -> list[int | None]:
    return [Contact.objects.get(pk=c.pk).owner_id for c in contacts]


def away(owner: Principal, user: User, until: dt.date | None) -> None:
    set_member_away(owner, user.pk, until)


def test_leads_go_in_turn_to_their_territorys_team_with_a_note(workspace, owner) -> None:
    ann, ben, cy = people(workspace, "Ann Able", "Ben Bell", "Cy Cole")
    make_territory(owner, make_team(owner, cy, name="Americas"), name="US", countries=["US"])
    emea = make_territory(owner, make_team(owner, ann, ben, name="EMEA Sales"), name="EMEA",
                          countries=["DE", "FR"])  # fmt: skip
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [by_territory()]})
    leads = [create_contact(owner, {"first_name": f"L{i}", "country": c})
             for i, c in enumerate(["DE", "FR", "US", "DE"])]  # fmt: skip
    drive()
    assert owners(*leads) == [ann.pk, ben.pk, cy.pk, ann.pk]
    first = Contact.objects.get(pk=leads[0].pk)
    assert first.last_assignment == "Assigned by territory EMEA (round-robin) to Ann Able"
    run = WorkflowRun.objects.get(object_id=leads[1].pk)
    step = RunStep.objects.get(run=run)
    assert step.output == {
        "owner_id": ben.pk, "before": owner.user_id, "method": "round_robin",
        "note": "Assigned by territory EMEA (round-robin) to Ben Bell",
        "territory_id": emea.pk, "team_id": emea.team_id,
        "reasons": ["US does not: not country US",
                    "territory EMEA matches (country DE, FR)",
                    "in turn among Ann Able, Ben Bell in EMEA Sales"],
    }  # fmt: skip


def test_away_members_are_skipped_in_turn_until_the_day_after(workspace, owner) -> None:
    ann, ben, cy = people(workspace, "Ann", "Ben", "Cy")
    make_territory(owner, make_team(owner, ann, ben, cy), name="All")
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [by_territory()]})
    today = workspace_today(owner.workspace_id)
    away(owner, ben, today)  # away through today
    leads = [create_contact(owner, {"first_name": f"L{i}"}) for i in range(3)]
    drive()
    assert owners(*leads) == [ann.pk, cy.pk, ann.pk]
    Membership.objects.filter(user=ben).update(away_until=today - dt.timedelta(days=1))  # over
    later = [create_contact(owner, {"first_name": f"M{i}"}) for i in range(2)]
    drive()
    assert owners(*later) == [ben.pk, cy.pk]


def test_the_classic_modes_skip_away_members_too(workspace, owner) -> None:
    ann, ben = people(workspace, "Ann", "Ben")
    team = make_team(owner, ann, ben)
    create_contact(owner, {"first_name": "Ben's", "owner_id": ben.pk})
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        {"id": "few", "type": "assign_owner", "mode": "fewest_open", "team_id": team.pk},
    ]})  # fmt: skip
    away(owner, ann, workspace_today(owner.workspace_id) + dt.timedelta(days=14))
    lead = create_contact(owner, {"first_name": "New"})
    drive()
    assert owners(lead) == [ben.pk]  # Ann has fewer, but she is away
    assert Contact.objects.get(pk=lead.pk).last_assignment == (
        f"Assigned within {team.name} (fewest open) to Ben"
    )
    away(owner, ben, workspace_today(owner.workspace_id))
    stuck = create_contact(owner, {"first_name": "Nobody home"})
    drive()
    run = WorkflowRun.objects.get(object_id=stuck.pk)
    assert run.status == "failed"
    assert run.error == (
        f"The team has no member to assign: nobody in {team.name} is available (Ann, Ben away). "
        f"team_id: The team has no member to assign: nobody in {team.name} is available "
        "(Ann, Ben away)."
    )
    assert owners(stuck) == [owner.user_id]


def test_fewest_open_within_the_territory_counts_open_records(workspace, owner) -> None:
    ann, ben = people(workspace, "Ann", "Ben")
    make_territory(owner, make_team(owner, ann, ben, name="Tech"), name="Tech",
                   industries=["Software"])  # fmt: skip
    acme = create_company(owner, {"name": "Acme", "industry": "software"})
    for n in range(2):
        create_contact(owner, {"first_name": f"Ann's {n}", "owner_id": ann.pk})
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [by_territory("fewest_open")]})
    lead = create_contact(owner, {"first_name": "New", "company_id": acme.pk})
    drive()
    assert owners(lead) == [ben.pk]
    note = Contact.objects.get(pk=lead.pk).last_assignment
    assert note == "Assigned by territory Tech (fewest open) to Ben"
    reasons = RunStep.objects.get(run__object_id=lead.pk).output["reasons"]
    assert reasons == [
        "territory Tech matches (industry Software)",
        "fewest open contacts in Tech (Ann 2, Ben 0)",
    ]


def test_without_a_match_the_fallback_team_then_the_fallback_member(workspace, owner) -> None:
    ann, dee, eve = people(workspace, "Ann", "Dee", "Eve")
    make_territory(owner, make_team(owner, ann, name="DE team"), name="Germany", countries=["DE"])
    inbound = make_team(owner, dee, name="Inbound")
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        by_territory(fallback_team_id=inbound.pk, fallback_user_id=eve.pk),
    ]})  # fmt: skip
    french = create_contact(owner, {"first_name": "Fr", "country": "FR"})
    drive()
    assert owners(french) == [dee.pk]
    assert Contact.objects.get(pk=french.pk).last_assignment == (
        "No territory matched; assigned within Inbound (round-robin) to Dee"
    )
    away(owner, dee, workspace_today(owner.workspace_id))
    away(owner, ann, workspace_today(owner.workspace_id))
    spanish = create_contact(owner, {"first_name": "Es", "country": "ES"})
    german = create_contact(owner, {"first_name": "De", "country": "DE"})
    drive()
    assert owners(spanish, german) == [eve.pk, eve.pk]
    assert Contact.objects.get(pk=spanish.pk).last_assignment == (
        "No territory matched; assigned to the fallback Eve"
    )
    assert Contact.objects.get(pk=german.pk).last_assignment == (
        "Territory Germany had nobody available; assigned to the fallback Eve"
    )


def test_without_a_match_or_a_fallback_the_owner_stays(workspace, owner) -> None:
    (ann,) = people(workspace, "Ann")
    make_territory(owner, make_team(owner, ann), name="Germany", countries=["DE"])
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [by_territory()]})
    lead = create_contact(owner, {"first_name": "Fr", "country": "FR"})
    drive()
    run = WorkflowRun.objects.get(object_id=lead.pk)
    assert run.status == "succeeded"
    assert RunStep.objects.get(run=run).output["reasons"] == [
        "no territory matches", "Germany does not: not country DE", "no fallback: the owner stays",
    ]  # fmt: skip
    contact = Contact.objects.get(pk=lead.pk)
    assert (contact.owner_id, contact.last_assignment, contact.version) == (owner.user_id, "", 1)


def test_new_deals_go_to_their_companys_territory(workspace, owner) -> None:
    ann, ben = people(workspace, "Ann", "Ben")
    make_territory(owner, make_team(owner, ann, name="Small"), name="Small", max_employees=49)
    make_territory(owner, make_team(owner, ben, name="Large"), name="Large", min_employees=50)
    big = create_company(owner, {"name": "Big", "employee_count": 900})
    active_workflow(owner, {
        "trigger": {"type": "record_created", "object_type": "deal"},
        "conditions": {"all": [{"field": "owner_id", "op": "is-empty", "value": "true"}]},
        "steps": [by_territory()],
    })  # fmt: skip
    unowned = create_deal(owner, {"name": "Unowned", "owner_id": None, "company_id": big.pk})
    owned = create_deal(owner, {"name": "Owned", "company_id": big.pk})
    drive()
    deal = Deal.objects.get(pk=unowned.pk)
    assert (deal.owner_id, deal.last_assignment) == (
        ben.pk,
        "Assigned by territory Large (round-robin) to Ben",
    )
    assert Deal.objects.get(pk=owned.pk).owner_id == owner.user_id
    assert WorkflowRun.objects.count() == 1


def test_the_note_goes_when_the_owner_changes_without_one(workspace, owner) -> None:
    ann, ben = people(workspace, "Ann", "Ben")
    make_territory(owner, make_team(owner, ann), name="All")
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [by_territory()]})
    lead = create_contact(owner, {"first_name": "Lead"})
    drive()
    assert (
        Contact.objects.get(pk=lead.pk).last_assignment
        == "Assigned by territory All (round-robin) to Ann"
    )
    update_contact(owner, lead.pk, {"city": "Paris"})
    assert Contact.objects.get(pk=lead.pk).last_assignment != ""  # the owner did not change
    update_contact(owner, lead.pk, {"owner_id": ben.pk})
    assert Contact.objects.get(pk=lead.pk).last_assignment == ""


def test_a_dry_run_says_which_territory_and_member_and_why(workspace, owner) -> None:
    ann, ben = people(workspace, "Ann Able", "Ben Bell")
    make_territory(owner, make_team(owner, ann, name="FR team"), name="France", countries=["FR"])
    make_territory(owner, make_team(owner, ann, ben, name="DACH Sales"), name="DACH",
                   countries=["DE", "AT", "CH"])  # fmt: skip
    flow = create_workflow(owner, {"name": "Route", "definition": {
        "trigger": contact_trigger(), "steps": [by_territory()],
    }})  # fmt: skip
    lead = create_contact(owner, {"first_name": "Ada", "country": "AT"})
    away(owner, ann, workspace_today(owner.workspace_id))
    before = (list(Contact.objects.values()), Workflow.objects.get(pk=flow.pk).state)
    result = automation.test_workflow(owner, flow.pk, lead.pk)
    assert result["steps"] == [{
        "step_id": "assign", "type": "assign_owner", "ok": True,
        "would": "Would assign the record to Ben Bell: France does not: not country FR; "
        "territory DACH matches (country DE, AT, CH); in turn among Ben Bell in DACH Sales "
        "(Ann Able away).",
    }]  # fmt: skip
    assert (list(Contact.objects.values()), Workflow.objects.get(pk=flow.pk).state) == before


@pytest.mark.parametrize(
    ("trigger", "step", "loc", "message"),
    [
        ({"type": "record_created", "object_type": "activity"}, {},
         ["definition", "steps", 0, "mode"],
         "Step 'assign': territories assign contacts, companies and deals."),
        (contact_trigger(), {"fallback_team_id": 999_999},
         ["definition", "steps", 0, "fallback_team_id"],
         "Step 'assign': choose a team of this workspace."),
        (contact_trigger(), {"fallback_user_id": 999_999},
         ["definition", "steps", 0, "fallback_user_id"],
         "Step 'assign': choose an active member of this workspace."),
        (contact_trigger(), {"then": "user"}, ["definition", "steps", 0, "then"],
         "Input should be 'round_robin' or 'fewest_open'"),
    ],
)  # fmt: skip
def test_a_territory_step_is_checked_against_the_workspace(
    owner, trigger: dict[str, Any], step: dict[str, Any], loc: list[Any], message: str
) -> None:
    definition = {"trigger": trigger, "steps": [by_territory(**step)]}
    with pytest.raises(Invalid) as exc:
        create_workflow(owner, {"name": "Bad", "definition": definition})
    assert [(list(e.loc), e.msg) for e in exc.value.errors] == [(loc, message)]
    assert not Workflow.objects.exists()
