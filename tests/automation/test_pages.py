"""Workflow pages: the list, the builder (create, errors in place, edit into a new version), the
workflow page (switch, dry run, run history), a run's page with retry, rights and tenancy."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from django.test import Client

from rapport.automation.builder import post_from_definition
from rapport.automation.models import Workflow, WorkflowRun, WorkflowVersion
from rapport.automation.services import create_workflow, set_workflow_active
from rapport.contacts.models import Contact
from rapport.contacts.services import create_contact
from rapport.core.models import AuditEntry
from rapport.core.permissions import Principal
from tests.automation.conftest import active_workflow, contact_trigger, drive
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, page_queries, signed_in

pytestmark = pytest.mark.django_db

TO_CUSTOMER = {
    "trigger": contact_trigger(),
    "conditions": {"all": [{"field": "city", "op": "eq", "value": "London"}]},
    "steps": [
        {"id": "s1", "type": "update_field", "field": "lifecycle_stage", "value": "customer"},
        {"id": "s2", "type": "add_tag", "tag": "vip"},
    ],
}


@pytest.fixture
def owner(workspace: Any) -> Principal:
    """The owner of `workspace` (the automation conftest's owner has a workspace of its own)."""
    return owner_principal(workspace)


def form_of(definition: dict[str, Any], name: str = "Flow", **extra: str) -> dict[str, Any]:
    """What the builder form posts for this definition."""
    return {**post_from_definition(definition), "name": name, "description": "", **extra}


def _text(response: Any) -> str:
    """The page's main content as plain text."""
    html = response.content.decode()
    main = html[html.find("<main") : html.find("</main>")] if "<main" in html else html
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", main))).replace(" :", ":")


def _state() -> tuple[list[Any], list[Any], int, list[Any]]:
    return (
        list(Workflow.objects.order_by("pk").values()),
        list(WorkflowVersion.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
        list(WorkflowRun.objects.order_by("pk").values()),
    )


# --- The list -----------------------------------------------------------------------------------


def test_the_list_says_each_trigger_in_words_with_state_and_last_run(
    workspace: Any, owner: Principal
) -> None:
    flow = active_workflow(owner, TO_CUSTOMER, name="Customers in London")
    paused = create_workflow(owner, {"name": "Birthdays", "definition": {
        "trigger": {"type": "date", "object_type": "contact", "field": "birthday",
                    "every_year": True},
        "steps": [{"id": "s1", "type": "add_tag", "tag": "birthday"}],
    }})  # fmt: skip
    Workflow.objects.filter(pk=paused.pk).update(paused_reason="Paused after 5 failed runs")
    create_workflow(
        owner_principal(make_workspace("Globex")), {"name": "Elsewhere", "definition": TO_CUSTOMER}
    )
    create_contact(owner, {"first_name": "Ada", "city": "London"})
    drive()
    text = _text(owner_client(workspace).get("/workflows"))
    assert "Customers in London When a contact is created On Succeeded" in text
    assert "Birthdays On a contact's Birthday, at 09:00, every year Off" in text
    assert "Paused: Paused after 5 failed runs" in text
    assert "Elsewhere" not in text and "New workflow" in text
    assert (
        f'action="/workflows/{flow.pk}/deactivate"'
        in owner_client(workspace).get("/workflows").content.decode()
    )


def test_the_list_pins_its_query_count(workspace: Any, owner: Principal) -> None:
    active_workflow(owner, TO_CUSTOMER)
    client = owner_client(workspace)
    few = page_queries(client, "/workflows")
    for n in range(6):
        active_workflow(owner, TO_CUSTOMER, name=f"Flow {n}")
    for n in range(3):
        create_contact(owner, {"first_name": f"C{n}", "city": "London"})
    drive()
    assert WorkflowRun.objects.count() == 21
    assert page_queries(client, "/workflows") == few


def test_an_empty_list_explains_workflows_to_whoever_may_create_them(workspace: Any) -> None:
    text = _text(owner_client(workspace).get("/workflows"))
    assert "No workflows yet" in text and "Create your first workflow" in text
    rep, _ = make_member(workspace, "sales_rep")
    text = _text(signed_in(rep).get("/workflows"))
    assert "No workflows yet" in text and "Create your first workflow" not in text
    assert "New workflow" not in text


# --- The builder --------------------------------------------------------------------------------


def test_create_with_the_builder_a_branch_and_a_nested_condition_group(workspace: Any) -> None:
    client = owner_client(workspace)
    assert client.get("/workflows/new").status_code == 200
    response = client.post("/workflows/new", {
        "name": "Londoners", "description": "Tag and sort them",
        "trigger-type": "record_created", "trigger-object_type": "contact",
        "cond-match": "all",
        "cond-0-field": "city", "cond-0-op": "eq", "cond-0-value": "London",
        "cond-1-match": "any",
        "cond-1-0-field": "lifecycle_stage", "cond-1-0-op": "eq", "cond-1-0-value": "lead",
        "cond-1-1-field": "country", "cond-1-1-op": "is-empty", "cond-1-1-value": "",
        "steps-0-id": "s1", "steps-0-type": "update_field", "steps-0-name": "",
        "steps-0-field": "lifecycle_stage", "steps-0-value": "customer",
        "steps-0-value_kind": "text",
        "steps-1-id": "s2", "steps-1-type": "branch", "steps-1-name": "Known company?",
        "steps-1-if-match": "all",
        "steps-1-if-0-field": "company_id", "steps-1-if-0-op": "is-not-empty",
        "steps-1-then-0-id": "s3", "steps-1-then-0-type": "add_tag", "steps-1-then-0-tag": "b2b",
        "steps-1-else-0-id": "s4", "steps-1-else-0-type": "add_tag", "steps-1-else-0-tag": "b2c",
    })  # fmt: skip
    workflow = Workflow.objects.get(workspace=workspace)
    assert (response.status_code, response["Location"]) == (302, f"/workflows/{workflow.pk}")
    assert (workflow.name, workflow.description, workflow.is_active) == (
        "Londoners", "Tag and sort them", False
    )  # fmt: skip
    assert workflow.current_version is not None
    assert workflow.current_version.definition == {
        "trigger": {"type": "record_created", "object_type": "contact"},
        "conditions": {"all": [
            {"field": "city", "op": "eq", "value": "London"},
            {"any": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"},
                     {"field": "country", "op": "is-empty", "value": "true"}]},
        ]},
        "steps": [
            {"id": "s1", "type": "update_field", "field": "lifecycle_stage", "value": "customer"},
            {"id": "s2", "type": "branch", "name": "Known company?",
             "if": {"all": [{"field": "company_id", "op": "is-empty", "value": "false"}]},
             "then": [{"id": "s3", "type": "add_tag", "tag": "b2b"}],
             "else": [{"id": "s4", "type": "add_tag", "tag": "b2c"}]},
        ],
    }  # fmt: skip
    text = _text(client.get(f"/workflows/{workflow.pk}"))
    assert "When a contact is created" in text
    assert "City is “London” Any of these is true Lifecycle stage is “lead”" in text
    assert "Known company?: If All of these are true Company is not empty Then s3 Add" in text


def test_a_builder_button_redraws_the_builder_with_the_change_and_saves_nothing(
    workspace: Any,
) -> None:
    client = owner_client(workspace)
    before = _state()
    posted = form_of(TO_CUSTOMER, name="Typed <name>", change="add-step:steps:create_task")
    response = client.post("/workflows/new", posted, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="builder"') and "<main" not in html
    assert 'value="Typed &lt;name&gt;"' in html and 'value="London"' in html
    assert 'name="steps-2-subject"' in html and 'name="steps-2-id" value="s3"' in html
    assert 'id="steps-2-subject" value="" autofocus' in html  # the cursor goes to the new step
    refreshed = form_of({**TO_CUSTOMER, "trigger": {"type": "date", "object_type": "contact"}},
                        change="refresh")  # fmt: skip
    html = client.post("/workflows/new", refreshed, headers={"HX-Request": "true"}).content
    assert b'name="trigger-offset_days"' in html and b'<option value="birthday">' in html
    assert _state() == before


def test_an_invalid_workflow_names_the_step_and_field_and_keeps_what_was_typed(
    workspace: Any,
) -> None:
    definition = {
        "trigger": {"type": "record_created", "object_type": "contact"},
        "conditions": {"all": [{"field": "city", "op": "eq", "value": "London"}]},
        "steps": [
            {"id": "s1", "type": "add_tag", "tag": "vip"},
            {"id": "s2", "type": "branch", "if": {"all": [{"field": "city", "op": "eq"}]},
             "then": [{"id": "s3", "type": "assign_owner", "mode": "user", "user_id": 999999}],
             "else": []},
            {"id": "s4", "type": "update_field", "field": "shoe_size", "value": "42"},
        ],
    }  # fmt: skip
    before = _state()
    response = owner_client(workspace).post("/workflows/new", form_of(definition, "My draft"))
    html = response.content.decode()
    assert response.status_code == 422
    assert _state() == before
    assert 'value="My draft"' in html and 'value="London"' in html
    text = _text(response)
    assert "The workflow was not saved" in text
    assert "Step 2 / then / step 1 · Assign an owner: Step 's3': choose an active member" in text
    assert "Step 3 · Update a field: Step 's4': Contacts have no field 'shoe_size'" in text
    assert '<a href="#steps-1-then-0-user_id">' in html  # the summary leads to the input
    error = re.search(r'<p class="error" id="steps-1-then-0-user_id-error">([^<]*)</p>', html)
    assert error is not None and "choose an active member" in error.group(1)
    assert '<option value="shoe_size" selected>shoe_size (not available)</option>' in html


def test_an_empty_name_and_no_steps_are_shown_in_place(workspace: Any) -> None:
    client = owner_client(workspace)
    response = client.post("/workflows/new", form_of({"trigger": contact_trigger(), "steps": []}))
    assert response.status_code == 422
    assert "Steps: List should have at least 1 item" in _text(response)
    response = client.post("/workflows/new", form_of(TO_CUSTOMER, name=" "))
    assert response.status_code == 422
    assert re.search(
        r'<p class="error" id="name-error">Give the workflow a name', response.content.decode()
    )
    assert not Workflow.objects.exists()


def test_editing_makes_a_new_version_and_saving_it_unchanged_does_not(
    workspace: Any, owner: Principal
) -> None:
    flow = active_workflow(owner, TO_CUSTOMER)
    client = owner_client(workspace)
    text = _text(client.get(f"/workflows/{flow.pk}/edit"))
    assert "Saving a change makes version 2" in text and "finish on version 1" in text
    flow.refresh_from_db()
    changed = {**TO_CUSTOMER, "steps": [{"id": "s1", "type": "add_tag", "tag": "v2"}]}
    response = client.post(
        f"/workflows/{flow.pk}/edit", form_of(changed, "Renamed", version=str(flow.version))
    )
    assert (response.status_code, response["Location"]) == (302, f"/workflows/{flow.pk}")
    flow.refresh_from_db()
    assert flow.name == "Renamed" and flow.current_version is not None
    assert (flow.current_version.number, flow.current_version.definition) == (2, changed)
    client.post(
        f"/workflows/{flow.pk}/edit", form_of(changed, "Renamed", version=str(flow.version))
    )
    assert WorkflowVersion.objects.filter(workflow=flow).count() == 2
    versions = _text(client.get(f"/workflows/{flow.pk}"))
    assert "Version 2 · " in versions and "current" in versions and "Version 1 · " in versions


def test_a_stale_edit_is_refused_and_keeps_the_changes(workspace: Any, owner: Principal) -> None:
    flow = create_workflow(owner, {"name": "Flow", "definition": TO_CUSTOMER})
    stale = str(flow.version)
    set_workflow_active(owner, flow.pk, True)  # someone else changes it meanwhile
    changed = {**TO_CUSTOMER, "steps": [{"id": "s1", "type": "add_tag", "tag": "mine"}]}
    before = _state()
    response = owner_client(workspace).post(
        f"/workflows/{flow.pk}/edit", form_of(changed, version=stale)
    )
    assert response.status_code == 409
    assert "Someone saved this workflow meanwhile" in _text(response)
    assert 'value="mine"' in response.content.decode()
    assert _state() == before


# --- A workflow's page --------------------------------------------------------------------------


def test_switch_a_workflow_on_and_off(workspace: Any, owner: Principal) -> None:
    flow = create_workflow(owner, {"name": "Flow", "definition": TO_CUSTOMER})
    client = owner_client(workspace)
    response = client.post(f"/workflows/{flow.pk}/activate")
    assert (response.status_code, response["Location"]) == (302, f"/workflows/{flow.pk}")
    assert Workflow.objects.get(pk=flow.pk).is_active
    response = client.post(f"/workflows/{flow.pk}/deactivate", {"next": "/workflows"})
    assert response["Location"] == "/workflows"
    assert not Workflow.objects.get(pk=flow.pk).is_active


def test_a_dry_run_shows_what_each_step_would_do_and_changes_nothing(
    workspace: Any, owner: Principal
) -> None:
    flow = create_workflow(owner, {"name": "Flow", "definition": TO_CUSTOMER})
    ada = create_contact(owner, {"first_name": "Ada", "city": "London"})
    bob = create_contact(owner, {"first_name": "Bob", "city": "Paris"})
    client = owner_client(workspace)
    assert (
        f'<option value="{ada.pk}">Ada</option>'
        in client.get(f"/workflows/{flow.pk}").content.decode()
    )
    contacts, before = list(Contact.objects.values()), _state()
    response = client.post(f"/workflows/{flow.pk}/test", {"object_id": ada.pk},
                           headers={"HX-Request": "true"})  # fmt: skip
    text = _text(response)
    assert "Would start" in text
    assert "OK Update a field s1 Would set lifecycle_stage to 'customer' (now 'lead')." in text
    assert "OK Add a tag s2 Would add the tag 'vip'." in text
    text = _text(client.post(f"/workflows/{flow.pk}/test", {"object_id": bob.pk}))
    assert "Would not start" in text
    assert "Choose a contact to test on." in _text(client.post(f"/workflows/{flow.pk}/test"))
    assert (list(Contact.objects.values()), _state()) == (contacts, before)


def test_the_record_picker_finds_records_by_name(workspace: Any, owner: Principal) -> None:
    flow = create_workflow(owner, {"name": "Flow", "definition": TO_CUSTOMER})
    create_contact(owner, {"first_name": "Ada", "last_name": "Lovelace"})
    create_contact(owner, {"first_name": "Grace", "last_name": "Hopper"})
    html = owner_client(workspace).get(f"/workflows/{flow.pk}/records?q=hopper").content.decode()
    assert "Grace Hopper" in html and "Ada" not in html


def test_run_on_a_record_by_hand_then_see_it_in_the_history(
    workspace: Any, owner: Principal
) -> None:
    flow = active_workflow(
        owner, {**TO_CUSTOMER, "trigger": {"type": "manual", "object_type": "contact"}}
    )
    ada = create_contact(owner, {"first_name": "Ada", "city": "London"})
    client = owner_client(workspace)
    response = client.post(f"/workflows/{flow.pk}/run", {"object_id": ada.pk})
    assert response.status_code == 302
    drive()
    text = _text(client.get(f"/workflows/{flow.pk}"))
    assert re.search(r"Run \d+ Succeeded Ada By hand", text)
    assert Contact.objects.get(pk=ada.pk).lifecycle_stage == "customer"


def test_the_run_history_lists_runs_after_the_worker_ran_them_in_fixed_queries(
    workspace: Any, owner: Principal
) -> None:
    flow = active_workflow(owner, TO_CUSTOMER)
    ada = create_contact(owner, {"first_name": "Ada", "city": "London"})
    drive()
    client = owner_client(workspace)
    html = client.get(f"/workflows/{flow.pk}").content.decode()
    run = WorkflowRun.objects.get()
    assert f'<a href="/workflows/runs/{run.pk}">Run {run.pk}</a>' in html
    assert f'<a href="/contacts/{ada.pk}">Ada</a>' in html
    assert "Record created" in _text(client.get(f"/workflows/{flow.pk}"))
    page, rows = (
        page_queries(client, f"/workflows/{flow.pk}"),
        page_queries(client, f"/workflows/{flow.pk}/runs"),
    )
    for n in range(30):
        create_contact(owner, {"first_name": f"C{n}", "city": "London"})
    drive()
    assert page_queries(client, f"/workflows/{flow.pk}") == page
    assert page_queries(client, f"/workflows/{flow.pk}/runs") == rows
    first = client.get(f"/workflows/{flow.pk}").content.decode()
    assert first.count("<tr>") == 25 + 1 and 'id="load-more"' in first  # 25 runs and the head
    cursor = re.search(r"/runs\?cursor=([^\"]+)\"", first)
    assert cursor is not None
    more = client.get(f"/workflows/{flow.pk}/runs?cursor={cursor.group(1)}",
                      headers={"HX-Request": "true"}).content.decode()  # fmt: skip
    assert more.count("<tr>") == 6 and 'id="load-more"' not in more
    assert f"Run {run.pk}<" in more  # the oldest comes last


def test_a_run_page_shows_each_step_and_a_failed_run_is_retried(
    workspace: Any, owner: Principal
) -> None:
    steps = [
        {"id": "s1", "type": "add_tag", "tag": "vip"},
        {"id": "s2", "type": "update_field", "field": "lifecycle_stage", "value": "nonsense"},
    ]
    active_workflow(owner, {"trigger": contact_trigger(), "steps": steps}, name="Broken")
    create_contact(owner, {"first_name": "Ada"})
    drive()
    run = WorkflowRun.objects.get()
    client = owner_client(workspace)
    text = _text(client.get(f"/workflows/runs/{run.pk}"))
    assert f"Run {run.pk} Failed Retry from the failed step" in text
    assert "Add a tag s1 add_tag Succeeded 1" in text
    assert "Update a field s2 update_field Failed 1" in text and "lifecycle_stage" in text
    assert "Trigger Record created Event contact.created" in text
    response = client.post(f"/workflows/runs/{run.pk}/retry")
    assert (response.status_code, response["Location"]) == (302, f"/workflows/runs/{run.pk}")
    run.refresh_from_db()
    assert (run.status, run.error) == ("queued", "")
    assert "Cancel run" in _text(client.get(f"/workflows/runs/{run.pk}"))
    client.post(f"/workflows/runs/{run.pk}/cancel")
    run.refresh_from_db()
    assert run.status == "cancelled"


def test_a_webhook_workflow_shows_its_hook_to_editors_only(
    workspace: Any, owner: Principal
) -> None:
    flow = create_workflow(owner, {"name": "Hook", "definition": {
        "trigger": {"type": "webhook"},
        "steps": [{"id": "s1", "type": "notify", "recipients": [owner.user_id], "title": "Hi"}],
    }})  # fmt: skip
    html = owner_client(workspace).get(f"/workflows/{flow.pk}").content.decode()
    assert f"/api/v1/hooks/workflows/{flow.hook_key}" in html and flow.hook_secret in html
    rep, _ = make_member(workspace, "sales_rep")
    html = signed_in(rep).get(f"/workflows/{flow.pk}").content.decode()
    assert flow.hook_secret not in html and "When its hook URL receives a POST" in _text(
        signed_in(rep).get(f"/workflows/{flow.pk}")
    )


def test_delete_a_workflow(workspace: Any, owner: Principal) -> None:
    flow = create_workflow(owner, {"name": "Old", "definition": TO_CUSTOMER})
    response = owner_client(workspace).post(f"/workflows/{flow.pk}/delete")
    assert (response.status_code, response["Location"]) == (302, "/workflows")
    assert Workflow.objects.get(pk=flow.pk).deleted_at is not None
    assert owner_client(workspace).get(f"/workflows/{flow.pk}").status_code == 404


# --- Rights and tenancy -------------------------------------------------------------------------


def _a_failed_run(owner: Principal) -> tuple[Workflow, WorkflowRun, Contact]:
    steps = [{"id": "s1", "type": "update_field", "field": "lifecycle_stage", "value": "bad"}]
    flow = active_workflow(owner, {"trigger": contact_trigger(), "steps": steps})
    ada = create_contact(owner, {"first_name": "Ada", "city": "London"})
    drive()
    return flow, WorkflowRun.objects.get(), ada


def test_a_sales_rep_sees_the_pages_without_controls_and_changes_nothing(
    workspace: Any, owner: Principal
) -> None:
    flow, run, ada = _a_failed_run(owner)
    rep, _ = make_member(workspace, "sales_rep")
    client = signed_in(rep)
    for url in ("/workflows", f"/workflows/{flow.pk}", f"/workflows/runs/{run.pk}"):
        response = client.get(url)
        text = _text(response)
        assert response.status_code == 200, url
        for control in ("Switch off", "Edit", "Test on a record", "Retry", "Delete"):
            assert control not in text, (url, control)
    before = _state()
    forbidden: list[tuple[str, dict[str, Any]]] = [
        ("/workflows/new", form_of(TO_CUSTOMER)),
        (f"/workflows/{flow.pk}/edit", form_of(TO_CUSTOMER, "Mine")),
        (f"/workflows/{flow.pk}/deactivate", {}),
        (f"/workflows/{flow.pk}/delete", {}),
        (f"/workflows/{flow.pk}/test", {"object_id": ada.pk}),
        (f"/workflows/{flow.pk}/run", {"object_id": ada.pk}),
        (f"/workflows/runs/{run.pk}/retry", {}),
    ]
    for url, data in forbidden:
        assert client.post(url, data).status_code == 403, url
    assert client.get("/workflows/new").status_code == 403
    assert client.get(f"/workflows/{flow.pk}/edit").status_code == 403
    assert _state() == before


def test_a_marketer_edits_their_own_workflows_only(workspace: Any, owner: Principal) -> None:
    theirs = create_workflow(owner, {"name": "Theirs", "definition": TO_CUSTOMER})
    marketer, _ = make_member(workspace, "marketer")
    client = signed_in(marketer)
    client.post("/workflows/new", form_of(TO_CUSTOMER, "Mine"))
    mine = Workflow.objects.get(name="Mine")
    assert client.post(f"/workflows/{mine.pk}/activate").status_code == 302
    assert client.post(f"/workflows/{theirs.pk}/activate").status_code == 403
    assert not Workflow.objects.get(pk=theirs.pk).is_active
    html = client.get("/workflows").content.decode()
    assert (
        f"/workflows/{mine.pk}/deactivate" in html
        and f"/workflows/{theirs.pk}/activate" not in html
    )


def test_another_workspaces_workflows_and_runs_are_not_found(
    workspace: Any, owner: Principal
) -> None:
    flow, run, ada = _a_failed_run(owner)
    stranger = owner_client(make_workspace("Other"))
    before = _state()
    for url in (f"/workflows/{flow.pk}", f"/workflows/{flow.pk}/edit",
                f"/workflows/runs/{run.pk}", f"/workflows/{flow.pk}/runs",
                f"/workflows/{flow.pk}/records"):  # fmt: skip
        assert stranger.get(url).status_code == 404, url
    for url in (f"/workflows/{flow.pk}/activate", f"/workflows/{flow.pk}/delete",
                f"/workflows/{flow.pk}/test", f"/workflows/{flow.pk}/edit",
                f"/workflows/runs/{run.pk}/retry", f"/workflows/runs/{run.pk}/cancel"):  # fmt: skip
        assert stranger.post(url, {"object_id": ada.pk}).status_code == 404, url
    assert _state() == before


def test_signed_out_visitors_are_sent_to_sign_in(workspace: Any) -> None:
    response = Client().get("/workflows")
    assert response.status_code == 302 and response["Location"].startswith("/login")
