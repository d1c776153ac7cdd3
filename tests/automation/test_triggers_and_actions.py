"""Workflows end to end through the services: each trigger, condition operator and action."""

from __future__ import annotations

import datetime as dt

import pytest

from rapport.activities.models import Activity
from rapport.automation.consumers import handle_event
from rapport.automation.models import RunStep, WorkflowRun
from rapport.companies.services import create_company
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact, delete_contact, update_contact
from rapport.core.events import Event
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.customfields.services import create_custom_field
from rapport.notifications.models import Notification
from rapport.workspaces.services import create_team, set_team_members
from tests.automation.conftest import active_workflow, contact_trigger, drive
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def step(step_id: str, step_type: str, **fields: object) -> dict[str, object]:
    return {"id": step_id, "type": step_type, **fields}


def stage_to(value: str) -> list[dict[str, object]]:
    return [step("s1", "update_field", field="lifecycle_stage", value=value)]


def test_record_created_runs_update_tag_and_task_as_the_workflow(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("s1", "update_field", field="lifecycle_stage", value="customer"),
        step("s2", "add_tag", tag="vip"),
        step("s3", "create_task", subject="Call them", due_in_days=2, priority="high"),
    ]}, name="Welcome")  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada"})
    drive()

    ada = Contact.objects.get(pk=ada.pk)
    assert ada.lifecycle_stage == "customer"
    assert list(ada.tags.values_list("name", flat=True)) == ["vip"]
    task = Activity.objects.get(kind="task", contact=ada)
    assert (task.subject, task.priority, task.assignee_id) == ("Call them", "high", owner.user_id)
    run = WorkflowRun.objects.get()
    assert run.status == "succeeded" and run.trigger["event"] == "contact.created"
    assert list(run.steps.values_list("step_id", "status")) == [
        ("s1", "succeeded"), ("s2", "succeeded"), ("s3", "succeeded"),
    ]  # fmt: skip
    change = AuditEntry.objects.filter(
        object_type="contact", object_id=ada.pk, action="update"
    ).first()
    assert change is not None and change.actor_label == "Workflow: Welcome"


def test_field_changed_fires_only_for_the_given_from_and_to(owner) -> None:
    active_workflow(owner, {
        "trigger": contact_trigger("field_changed", field="lifecycle_stage",
                                   **{"from": "lead", "to": "customer"}),
        "steps": [step("s1", "add_tag", tag="won")],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "lifecycle_stage": "lead"})
    bob = create_contact(owner, {"first_name": "Bob", "lifecycle_stage": "subscriber"})
    update_contact(owner, bob.pk, {"lifecycle_stage": "customer"})  # from the wrong stage
    update_contact(owner, ada.pk, {"city": "London"})  # another field
    update_contact(owner, ada.pk, {"lifecycle_stage": "customer"})
    drive()
    assert list(WorkflowRun.objects.values_list("object_id", flat=True)) == [ada.pk]


def test_conditions_nest_and_or_over_related_and_custom_fields(owner) -> None:
    create_custom_field(owner, object_type="contact", label="Plan", key="plan", field_type="text")
    acme = create_company(owner, {"name": "Acme", "industry": "Software"})
    active_workflow(owner, {
        "trigger": contact_trigger(),
        "conditions": {"all": [
            {"field": "company.industry", "op": "eq", "value": "software"},
            {"any": [
                {"field": "custom.plan", "op": "in", "value": ["pro", "enterprise"]},
                {"field": "job_title", "op": "contains", "value": "chief"},
            ]},
        ]},
        "steps": [step("s1", "add_tag", tag="target")],
    })  # fmt: skip
    hit_plan = create_contact(
        owner, {"first_name": "A", "company_id": acme.pk, "custom": {"plan": "pro"}}
    )
    hit_title = create_contact(
        owner, {"first_name": "B", "company_id": acme.pk, "job_title": "Chief of Staff"}
    )
    create_contact(owner, {"first_name": "C", "company_id": acme.pk, "custom": {"plan": "free"}})
    create_contact(owner, {"first_name": "D", "custom": {"plan": "pro"}})  # no company
    drive()
    assert sorted(WorkflowRun.objects.values_list("object_id", flat=True)) == [
        hit_plan.pk,
        hit_title.pk,
    ]


@pytest.mark.parametrize(
    ("op", "value", "matches"),
    [
        ("eq", "Lovelace", True), ("neq", "Lovelace", False), ("contains", "ovel", True),
        ("starts-with", "Love", True), ("starts-with", "ove", False),
        ("in", ["X", "Lovelace"], True),
        ("is-empty", False, True), ("is-empty", True, False),
    ],
)  # fmt: skip
def test_every_text_operator_is_the_list_filter_operator(owner, op, value, matches) -> None:
    active_workflow(owner, {
        "trigger": contact_trigger(),
        "conditions": {"field": "last_name", "op": op, "value": value},
        "steps": [step("s1", "add_tag", tag="hit")],
    })  # fmt: skip
    create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    drive()
    assert WorkflowRun.objects.exists() is matches


@pytest.mark.parametrize(
    ("op", "value", "matches"),
    [("gt", "1815-12-09", True), ("gte", "1815-12-10", True), ("lt", "1815-12-10", False),
     ("lte", "1815-12-10", True)],
)  # fmt: skip
def test_comparison_operators_on_dates(owner, op, value, matches) -> None:
    active_workflow(owner, {
        "trigger": contact_trigger(),
        "conditions": {"field": "birthday", "op": op, "value": value},
        "steps": [step("s1", "add_tag", tag="hit")],
    })  # fmt: skip
    create_contact(owner, {"first_name": "Ada", "birthday": "1815-12-10"})
    drive()
    assert WorkflowRun.objects.exists() is matches


def test_record_deleted_notifies_the_listed_users(owner) -> None:
    manager, _ = make_member(owner_workspace(owner), "manager")
    active_workflow(owner, {
        "trigger": contact_trigger("record_deleted"),
        "steps": [step("s1", "notify", recipients=[manager.pk], title="A contact was deleted")],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada"})
    delete_contact(owner, ada.pk)
    drive()
    note = Notification.objects.get(user=manager)
    assert note.title == "A contact was deleted" and note.kind == "workflow"


def owner_workspace(owner):  # type: ignore[no-untyped-def]
    from rapport.workspaces.models import Workspace

    return Workspace.objects.get(pk=owner.workspace_id)


def test_branch_takes_then_or_else_and_continues_after_it(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("b", "branch", **{"if": {"field": "country", "op": "eq", "value": "GB"},
                               "then": [step("uk", "add_tag", tag="uk")],
                               "else": [step("row", "add_tag", tag="world")]}),
        step("after", "add_tag", tag="seen"),
    ]})  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "country": "GB"})
    bob = create_contact(owner, {"first_name": "Bob", "country": "FR"})
    drive()
    assert set(Contact.objects.get(pk=ada.pk).tags.values_list("name", flat=True)) == {"uk", "seen"}
    assert set(Contact.objects.get(pk=bob.pk).tags.values_list("name", flat=True)) == {
        "world",
        "seen",
    }
    run = WorkflowRun.objects.get(object_id=ada.pk)
    assert list(run.steps.values_list("step_id", flat=True)) == ["b", "uk", "after"]
    assert run.steps.get(step_id="b").output == {"branch": "then"}


def test_wait_pauses_the_run_until_the_wake_sweep_at_its_time(owner) -> None:
    from rapport.automation.engine import wake_runs

    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("w", "wait", days=3), step("s2", "add_tag", tag="followed-up"),
    ]})  # fmt: skip
    t0 = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)
    ada = create_contact(owner, {"first_name": "Ada"})
    drive(t0)
    run = WorkflowRun.objects.get()
    assert (run.status, run.wake_at, run.cursor) == ("waiting", t0 + dt.timedelta(days=3), "s2")
    assert wake_runs(t0 + dt.timedelta(days=2)) == 0
    assert wake_runs(t0 + dt.timedelta(days=3, seconds=30)) == 1
    drive(t0 + dt.timedelta(days=3, seconds=30))
    run.refresh_from_db()
    assert run.status == "succeeded"
    assert list(Contact.objects.get(pk=ada.pk).tags.values_list("name", flat=True)) == [
        "followed-up"
    ]


def test_round_robin_and_fewest_open_owners_within_a_team(owner) -> None:
    workspace = owner_workspace(owner)
    ann, _ = make_member(workspace, "sales_rep", full_name="Ann")
    ben, _ = make_member(workspace, "sales_rep", full_name="Ben")
    team = create_team(owner, "Inbound")
    set_team_members(owner, team.pk, [ann.pk, ben.pk])
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("rr", "assign_owner", mode="round_robin", team_id=team.pk),
    ]})  # fmt: skip
    ids = [create_contact(owner, {"first_name": f"C{i}"}).pk for i in range(3)]
    for _ in ids:
        drive()
    assert [Contact.objects.get(pk=i).owner_id for i in ids] == [ann.pk, ben.pk, ann.pk]


def test_fewest_open_picks_the_member_with_fewest_records(owner) -> None:
    workspace = owner_workspace(owner)
    ann, ann_p = make_member(workspace, "sales_rep")
    ben, _ = make_member(workspace, "sales_rep")
    team = create_team(owner, "Field")
    set_team_members(owner, team.pk, [ann.pk, ben.pk])
    create_contact(ann_p, {"first_name": "Owned by Ann"})
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("few", "assign_owner", mode="fewest_open", team_id=team.pk),
    ]})  # fmt: skip
    new = create_contact(owner, {"first_name": "New"})
    drive()
    run = WorkflowRun.objects.get(object_id=new.pk)
    assert run.status == "succeeded", run.error
    assert Contact.objects.get(pk=new.pk).owner_id == ben.pk


def test_an_event_delivered_twice_starts_one_run(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": stage_to("customer")})
    create_contact(owner, {"first_name": "Ada"})
    row = OutboxEvent.objects.get(name="contact.created")
    handle_event(Event.from_row(row))
    handle_event(Event.from_row(row))
    assert WorkflowRun.objects.count() == 1


def test_a_workflow_does_not_retrigger_itself_past_the_depth_limit(owner) -> None:
    from rapport.automation.consumers import MAX_DEPTH

    active_workflow(owner, {
        "trigger": contact_trigger("record_updated"),
        "steps": [step("s1", "update_field", field="job_title", value="x")],
    })  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada"})
    update_contact(owner, ada.pk, {"city": "Paris"})
    drive()
    runs = list(WorkflowRun.objects.order_by("id").values_list("depth", flat=True))
    # The person's change starts one run; its own change re-triggers until the depth limit
    # (a no-op update writes no event, so the chain ends even earlier).
    assert runs[0] == 0 and len(runs) <= MAX_DEPTH
    assert OutboxEvent.objects.filter(depth__gte=MAX_DEPTH).count() <= 1


def test_a_trigger_storm_is_cut_off_counted_and_reported(owner, settings) -> None:
    settings.WORKFLOW_RUNS_PER_MINUTE = 2
    workflow = active_workflow(owner, {"trigger": contact_trigger(), "steps": stage_to("lead")})
    for i in range(4):
        create_contact(owner, {"first_name": f"C{i}"})
    drive()
    workflow.refresh_from_db()
    assert WorkflowRun.objects.count() == 2
    assert workflow.throttled_count == 2
    (note,) = Notification.objects.filter(kind="workflow_failed")
    assert "triggered too often" in note.title


def test_a_refused_value_fails_the_run_and_five_failures_pause_the_workflow(owner) -> None:
    workflow = active_workflow(
        owner, {"trigger": contact_trigger(), "steps": stage_to("not-a-stage")}
    )
    for i in range(5):
        create_contact(owner, {"first_name": f"C{i}"})
        drive()
    run = WorkflowRun.objects.order_by("id").first()
    assert run is not None and run.status == "failed"
    assert "lifecycle_stage" in run.error
    assert RunStep.objects.filter(run=run, status="failed").count() == 1  # no retry: permanent
    workflow.refresh_from_db()
    assert not workflow.is_active and "Paused after 5 failed runs" in workflow.paused_reason
    paused = Notification.objects.get(kind="workflow_failed", user_id=owner.user_id)
    assert paused.url == f"/workflows/{workflow.pk}"  # the bell leads to the workflow
    create_contact(owner, {"first_name": "After the pause"})
    drive()
    assert WorkflowRun.objects.count() == 5


def test_many_workflows_are_matched_together_including_tag_conditions(owner) -> None:
    flows = {
        name: active_workflow(owner, {
            "trigger": contact_trigger("record_updated"), "conditions": condition,
            "steps": [step("s1", "create_activity", kind="note", body=name)],
        }, name=name)
        for name, condition in [
            ("london", {"field": "city", "op": "eq", "value": "London"}),
            ("paris", {"field": "city", "op": "eq", "value": "Paris"}),
            ("vip", {"field": "tags", "op": "eq", "value": "vip"}),
            ("not-vip", {"field": "tags", "op": "neq", "value": "vip"}),
            ("always", None),
        ]
    }  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "tags": ["vip", "board"]})
    update_contact(owner, ada.pk, {"city": "London"})
    drive()
    started = set(WorkflowRun.objects.values_list("workflow__name", flat=True))
    assert started == {"london", "vip", "always"}
    assert {f.pk for f in flows.values()} >= set(
        WorkflowRun.objects.values_list("workflow_id", flat=True)
    )


def test_assign_a_user_remove_a_tag_and_create_the_contacts_company(owner) -> None:
    rep, _ = make_member(owner_workspace(owner), "sales_rep")
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("own", "assign_owner", mode="user", user_id=rep.pk),
        step("untag", "remove_tag", tag="cold"),
        step("co", "create_record", object_type="company", fields={"name": "Analytical Engines"}),
    ]})  # fmt: skip
    ada = create_contact(owner, {"first_name": "Ada", "tags": ["cold", "board"]})
    drive()
    ada = Contact.objects.get(pk=ada.pk)
    assert ada.owner_id == rep.pk
    assert list(ada.tags.values_list("name", flat=True)) == ["board"]
    assert ada.company is not None and ada.company.name == "Analytical Engines"
    assert ada.company.owner_id == rep.pk  # the new company goes to the contact's owner


def test_wait_until_a_date_field_at_a_time_of_day(owner) -> None:
    active_workflow(owner, {"trigger": contact_trigger(), "steps": [
        step("w", "wait", until_field="birthday", offset_days=-1, at="08:30"),
        step("t", "add_tag", tag="birthday-eve"),
    ]})  # fmt: skip
    t0 = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.UTC)
    create_contact(owner, {"first_name": "Ada", "birthday": "2026-06-10"})
    create_contact(owner, {"first_name": "Bob"})  # no birthday: no wait
    drive(t0)
    waits = dict(WorkflowRun.objects.values_list("status", "wake_at"))
    assert waits["waiting"] == dt.datetime(2026, 6, 9, 8, 30, tzinfo=dt.UTC)
    assert "succeeded" in waits
