"""Workflows on tickets: per-team assignment in turn or to the agent with the fewest open
tickets (away agents skipped), triggers on a status change (also one made by a reply), ticket
fields in conditions and update steps, and the ticket's tags and assignee as "owner"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from rapport.activities.models import Activity
from rapport.automation.models import WorkflowRun
from rapport.core.errors import Invalid
from rapport.notifications.models import Notification
from rapport.tickets.models import Ticket
from rapport.tickets.services import add_reply, update_ticket
from rapport.workspaces.models import Membership
from rapport.workspaces.services import create_team, set_team_members
from tests.automation.conftest import active_workflow, drive
from tests.conftest import make_member
from tests.tickets.factories import make_requester, make_ticket

pytestmark = pytest.mark.django_db


def step(step_id: str, step_type: str, **fields: object) -> dict[str, object]:
    return {"id": step_id, "type": step_type, **fields}


def _team(workspace, owner, size: int):  # type: ignore[no-untyped-def]
    agents = [make_member(workspace, "support_agent")[0] for _ in range(size)]
    team = create_team(owner, "Tier 1")
    set_team_members(owner, team.pk, [a.pk for a in agents])
    return team, sorted(agents, key=lambda a: a.pk)


def test_new_team_tickets_are_assigned_in_turn_skipping_away_agents(workspace, owner) -> None:
    team, (first, away, third) = _team(workspace, owner, 3)
    Membership.objects.filter(user=away).update(away_until=timezone.now().date() + dt.timedelta(3))
    active_workflow(owner, {
        "trigger": {"type": "record_created", "object_type": "ticket"},
        "conditions": {"all": [{"field": "team_id", "op": "eq", "value": team.pk},
                               {"field": "assignee_id", "op": "is-empty", "value": "true"}]},
        "steps": [step("s1", "assign_owner", mode="round_robin", team_id=team.pk)],
    })  # fmt: skip
    requester = make_requester(owner)
    tickets = [make_ticket(owner, requester, team_id=team.pk) for _ in range(3)]
    outside = make_ticket(owner, requester)
    drive()
    assignees = [Ticket.objects.get(pk=t.pk).assignee_id for t in tickets]
    assert assignees == [first.pk, third.pk, first.pk]
    assert Ticket.objects.get(pk=outside.pk).assignee_id is None
    note = Ticket.objects.get(pk=tickets[0].pk).last_assignment
    assert note == f"Assigned in turn within Tier 1 (round-robin) to {first.email}"


def test_fewest_open_counts_open_tickets_only(workspace, owner) -> None:
    team, (busy, free) = _team(workspace, owner, 2)
    requester = make_requester(owner)
    make_ticket(owner, requester, team_id=team.pk, assignee_id=busy.pk)
    for _ in range(2):  # solved and closed tickets do not count against `free`
        done = make_ticket(owner, requester, team_id=team.pk, assignee_id=free.pk)
        update_ticket(owner, done.pk, {"status": "closed"})
    active_workflow(owner, {
        "trigger": {"type": "record_created", "object_type": "ticket"},
        "conditions": {"all": [{"field": "priority", "op": "eq", "value": "urgent"}]},
        "steps": [step("s1", "assign_owner", mode="fewest_open", team_id=team.pk)],
    })  # fmt: skip
    drive()
    ticket = make_ticket(owner, requester, team_id=team.pk, priority="urgent")
    drive()
    ticket.refresh_from_db()
    assert ticket.assignee_id == free.pk
    assert ticket.last_assignment == f"Assigned within Tier 1 (fewest open) to {free.email}"


def test_a_reply_that_solves_triggers_the_status_workflow(workspace, owner) -> None:
    agent, _ = make_member(workspace, "support_agent")
    active_workflow(owner, {
        "trigger": {"type": "field_changed", "object_type": "ticket", "field": "status",
                    "to": "solved"},
        "conditions": {"all": [{"field": "requester.last_name", "op": "eq", "value": "Byron"}]},
        "steps": [step("s1", "add_tag", tag="solved-once"),
                  step("s2", "update_field", field="priority", value="low"),
                  step("s3", "notify", title="Solved"),
                  step("s4", "create_task", subject="Ask how it went", due_in_days=7)],
    })  # fmt: skip
    ticket = make_ticket(owner, assignee_id=agent.pk, priority="high")
    drive()
    assert not WorkflowRun.objects.exists()
    add_reply(owner, ticket.pk, "Fixed it", status="solved")
    drive()
    ticket.refresh_from_db()
    assert [t.name for t in ticket.tags.all()] == ["solved-once"]
    assert ticket.priority == "low"
    task = Activity.objects.get(kind="task")
    assert (task.contact_id, task.assignee_id, task.subject) == (
        ticket.requester_id, agent.pk, "Ask how it went"
    )  # fmt: skip
    kinds = sorted(Notification.objects.values_list("object_type", "kind", "user_id"))
    assert kinds == [  # "owner" is the ticket's assignee
        ("activity", "assigned", agent.pk),
        ("ticket", "assigned", agent.pk),
        ("ticket", "workflow", agent.pk),
    ]


def test_ticket_workflows_are_validated_against_ticket_fields(owner) -> None:
    from rapport.automation.services import create_workflow

    with pytest.raises(Invalid) as caught:
        create_workflow(owner, {"name": "Bad", "definition": {
            "trigger": {"type": "record_created", "object_type": "ticket"},
            "steps": [step("s1", "update_field", field="number", value=7)],
        }})  # fmt: skip
    assert caught.value.errors[0].loc == ("definition", "steps", 0, "field")
