"""/api/v1/workflows and /api/v1/workflow-runs beyond the contract suite: definitions with
errors naming step and field, activation, test, manual runs, run history, rights, tenancy."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.automation.models import Workflow, WorkflowRun, WorkflowVersion
from rapport.contacts.services import create_contact
from tests.automation.conftest import drive
from tests.conftest import api_client_for, make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db

DEFINITION = {
    "trigger": {"type": "record_created", "object_type": "contact"},
    "steps": [{"id": "s1", "type": "update_field", "field": "lifecycle_stage", "value": "lead"}],
}


@pytest.fixture
def workspace() -> Any:
    return make_workspace()


@pytest.fixture
def api(workspace: Any) -> Any:
    return api_client_for(owner_principal(workspace))


def _create(
    api: Any, definition: dict[str, Any] | None = None, name: str = "Flow"
) -> dict[str, Any]:
    response = api.post("/api/v1/workflows", {"name": name, "definition": definition or DEFINITION})
    assert response.status_code == 201, response.content
    return dict(response.json())


def test_a_bad_definition_names_each_step_and_field(api: Any) -> None:
    response = api.post("/api/v1/workflows", {"name": "Broken", "definition": {
        "trigger": {"type": "field_changed", "object_type": "contact", "field": "shoe_size"},
        "conditions": {"all": [{"field": "city", "op": "resembles", "value": "x"},
                               {"field": "nope", "op": "eq", "value": "x"}]},
        "steps": [
            {"id": "s1", "type": "update_field", "field": "version", "value": 3},
            {"id": "s2", "type": "assign_owner", "mode": "user", "user_id": 999999},
            {"id": "s1", "type": "add_tag", "tag": "dup"},
        ],
    }})  # fmt: skip
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    locs = [tuple(e["loc"]) for e in response.json()["errors"]]
    assert ("definition", "conditions", "all", 0, "op") in locs
    assert not Workflow.objects.exists()
    response = api.post("/api/v1/workflows", {"name": "Broken", "definition": {
        "trigger": {"type": "field_changed", "object_type": "contact", "field": "shoe_size"},
        "conditions": {"all": [{"field": "nope", "op": "eq", "value": "x"}]},
        "steps": [
            {"id": "s1", "type": "update_field", "field": "version", "value": 3},
            {"id": "s2", "type": "assign_owner", "mode": "user", "user_id": 999999},
        ],
    }})  # fmt: skip
    errors = {tuple(e["loc"]): e["msg"] for e in response.json()["errors"]}
    assert errors[("definition", "trigger", "field")] == "Contacts have no field 'shoe_size'."
    assert ("definition", "conditions", "all", 0, "field") in errors
    assert errors[("definition", "steps", 0, "field")].startswith("Step 's1'")
    assert errors[("definition", "steps", 1, "user_id")].startswith("Step 's2'")


def test_step_ids_must_be_unique(api: Any) -> None:
    steps = [{"id": "a", "type": "add_tag", "tag": "x"}, {"id": "a", "type": "add_tag", "tag": "y"}]
    response = api.post(
        "/api/v1/workflows", {"name": "Dup", "definition": {**DEFINITION, "steps": steps}}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["loc"] == ["definition", "steps", 1, "id"]


def test_the_schema_is_published(api: Any) -> None:
    schema = api.get("/api/v1/workflows/schema").json()
    assert {"trigger", "conditions", "steps"} <= set(schema["properties"])
    assert "update_field" in str(schema) and "http_post" in str(schema)


def test_activate_run_by_hand_and_read_the_run_history(api: Any, workspace: Any) -> None:
    owner = owner_principal(workspace)
    manual = {**DEFINITION, "trigger": {"type": "manual", "object_type": "contact"}}
    flow = _create(api, manual)
    ada = create_contact(owner, {"first_name": "Ada"})
    refused = api.post(f"/api/v1/workflows/{flow['id']}/run", {"object_ids": [ada.pk]})
    assert refused.status_code == 409  # switched off
    assert api.post(f"/api/v1/workflows/{flow['id']}/activate").json()["is_active"] is True
    test = api.post(f"/api/v1/workflows/{flow['id']}/test", {"object_id": ada.pk}).json()
    assert test["would_start"] is True and test["steps"][0]["step_id"] == "s1"
    started = api.post(f"/api/v1/workflows/{flow['id']}/run", {"object_ids": [ada.pk]})
    assert started.status_code == 202
    drive()
    runs = api.get(f"/api/v1/workflow-runs?filter=workflow_id:eq:{flow['id']}").json()["items"]
    assert [(r["status"], r["object_id"]) for r in runs] == [("succeeded", ada.pk)]
    detail = api.get(f"/api/v1/workflow-runs/{runs[0]['id']}").json()
    assert [(s["step_id"], s["status"]) for s in detail["steps"]] == [("s1", "succeeded")]
    assert (
        detail["steps"][0]["output"]
        == {"field": "lifecycle_stage", "before": "subscriber", "after": "lead"}
        or detail["steps"][0]["output"]["after"] == "lead"
    )


def test_a_new_definition_is_a_new_version(api: Any) -> None:
    flow = _create(api)
    steps = [{"id": "s1", "type": "add_tag", "tag": "v2"}]
    url = f"/api/v1/workflows/{flow['id']}"
    if_match = {"If-Match": f'"{flow["id"]}-1"'}
    patched = api.patch(url, {"definition": {**DEFINITION, "steps": steps}}, **if_match)
    assert patched.status_code == 200 and patched.json()["definition_version"] == 2
    versions = api.get(f"/api/v1/workflows/{flow['id']}/versions").json()
    assert [v["number"] for v in versions] == [2, 1]


def test_a_sales_rep_sees_workflows_but_changes_nothing(api: Any, workspace: Any) -> None:
    flow = _create(api)
    _, rep = make_member(workspace, "sales_rep")
    client = api_client_for(rep)
    assert client.get(f"/api/v1/workflows/{flow['id']}").status_code == 200
    assert client.post(f"/api/v1/workflows/{flow['id']}/activate").status_code == 403
    assert client.get(f"/api/v1/workflows/{flow['id']}/hook").status_code == 403
    assert client.post(f"/api/v1/workflows/{flow['id']}/test", {}).status_code == 403
    assert not Workflow.objects.get(pk=flow["id"]).is_active


def test_a_marketer_edits_only_their_own_workflows(api: Any, workspace: Any) -> None:
    theirs = _create(api)
    _, marketer = make_member(workspace, "marketer")
    client = api_client_for(marketer)
    mine = client.post("/api/v1/workflows", {"name": "Mine", "definition": DEFINITION})
    assert mine.status_code == 201
    assert client.post(f"/api/v1/workflows/{mine.json()['id']}/activate").status_code == 200
    assert client.post(f"/api/v1/workflows/{theirs['id']}/activate").status_code == 403
    assert WorkflowVersion.objects.count() == 2


def test_another_workspace_cannot_see_runs_or_run_workflows(api: Any, workspace: Any) -> None:
    owner = owner_principal(workspace)
    flow = _create(api)
    api.post(f"/api/v1/workflows/{flow['id']}/activate")
    create_contact(owner, {"first_name": "Ada"})
    drive()
    run_id = WorkflowRun.objects.get().pk
    stranger = api_client_for(owner_principal(make_workspace("Other")))
    assert stranger.get(f"/api/v1/workflow-runs/{run_id}").status_code == 404
    assert stranger.get("/api/v1/workflow-runs").json()["items"] == []
    assert stranger.post(f"/api/v1/workflow-runs/{run_id}/retry").status_code == 404
    assert (
        stranger.post(f"/api/v1/workflows/{flow['id']}/run", {"object_ids": [1]}).status_code == 404
    )
    assert WorkflowRun.objects.count() == 1
