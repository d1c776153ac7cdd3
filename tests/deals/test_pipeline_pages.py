"""Settings > Pipelines: the list (create, reorder, delete) and a pipeline's editor (rename; add,
edit, reorder and remove stages, asking where a removed stage's deals go)."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.core.models import AuditEntry
from rapport.deals.models import Deal, Pipeline, Stage
from rapport.deals.services import create_deal, create_pipeline, ensure_default_pipeline
from tests.conftest import make_member, make_workspace, owner_principal
from tests.page_clients import owner_client, signed_in

pytestmark = pytest.mark.django_db


def _state() -> tuple[list[Any], list[Any], list[Any], int]:
    return (
        list(Pipeline.objects.order_by("pk").values()),
        list(Stage.objects.order_by("pk").values()),
        list(Deal.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def _live(pipeline: Pipeline) -> list[Stage]:
    return list(pipeline.stages.filter(removed_at__isnull=True).order_by("position"))


def _form(pipeline: Pipeline, **changes: str) -> dict[str, Any]:
    """The editor's form as the page draws it, with `changes` typed over it."""
    data: dict[str, Any] = {"name": pipeline.name, "version": pipeline.version}
    for n, stage in enumerate(_live(pipeline)):
        data |= {
            f"stage-{n}-id": stage.pk,
            f"stage-{n}-name": stage.name,
            f"stage-{n}-kind": stage.kind,
            f"stage-{n}-probability": stage.probability,
            f"stage-{n}-expected_days": stage.expected_days or "",
        }
    return data | changes


def _without(data: dict[str, Any], n: int) -> dict[str, Any]:
    """The form with row `n` removed and the rows after it renumbered."""
    rows: dict[int, dict[str, Any]] = {}
    rest = {}
    for key, value in data.items():
        if key.startswith("stage-"):
            _, i, field = key.split("-", 2)
            rows.setdefault(int(i), {})[field] = value
        else:
            rest[key] = value
    kept = [row for i, row in sorted(rows.items()) if i != n]
    return rest | {f"stage-{i}-{f}": v for i, row in enumerate(kept) for f, v in row.items()}


def test_the_list_creates_reorders_and_refuses_to_delete_a_pipeline_with_deals(
    workspace, owner
) -> None:
    sales = ensure_default_pipeline(owner.workspace_id)
    create_deal(owner, {"name": "Holding"})
    client = owner_client(workspace)

    page = client.get("/settings/pipelines").content.decode()
    assert "Sales" in page and "Default" in page and "Create pipeline" in page
    assert 'href="/settings/pipelines"' in page  # the Settings sub-navigation entry
    duplicate = client.post("/settings/pipelines", {"name": "sales"})
    assert (
        duplicate.status_code == 422
        and "Another pipeline has this name." in duplicate.content.decode()
    )
    created = client.post("/settings/pipelines", {"name": "Renewals"})
    renewals = Pipeline.objects.get(name="Renewals")
    assert created["Location"] == f"/settings/pipelines/{renewals.pk}"
    assert _live(renewals)[0].name == "Qualification"

    client.post("/settings/pipelines/order", {"move": f"up-{renewals.pk}"})
    assert ensure_default_pipeline(owner.workspace_id).pk == renewals.pk

    refused = client.post(f"/settings/pipelines/{sales.pk}/delete", follow=True)
    assert "Sales was not deleted: 1 deals are in this pipeline" in refused.content.decode()
    assert Pipeline.objects.get(pk=sales.pk).removed_at is None
    client.post(f"/settings/pipelines/{renewals.pk}/delete")
    assert Pipeline.objects.get(pk=renewals.pk).removed_at is not None


def test_table_buttons_change_the_table_and_keep_what_was_typed(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    client = owner_client(workspace)
    before = _state()

    added = client.post(
        f"/settings/pipelines/{pipeline.pk}", _form(pipeline, name="Sales EMEA", change="add")
    ).content.decode()
    assert 'value="Sales EMEA"' in added and 'id="stage-6-name"' in added
    assert added.index('id="stage-4-name" name="stage-4-name" value=""') < added.index(
        'value="Won"'
    )
    moved = client.post(
        f"/settings/pipelines/{pipeline.pk}",
        _form(pipeline, **{"stage-1-name": "Discovery", "change": "up-1"}),
    ).content.decode()
    assert moved.index('value="Discovery"') < moved.index('value="Qualification"')
    proposal = _live(pipeline)[2]
    removed = client.post(
        f"/settings/pipelines/{pipeline.pk}", _form(pipeline, change="remove-2")
    ).content.decode()
    assert 'value="Proposal"' not in removed and "Removed when you save" in removed
    kept = client.post(
        f"/settings/pipelines/{pipeline.pk}",
        _without(_form(pipeline), 2) | {"change": f"keep-{proposal.pk}"},
    ).content.decode()
    assert 'id="stage-2-name" name="stage-2-name" value="Proposal"' in kept
    assert "Removed when you save" not in kept
    assert _state() == before  # nothing saved


def test_save_renames_edits_adds_and_reorders_stages(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    deal = create_deal(owner, {"name": "Stays put"})
    data = _form(
        pipeline, name="Sales EMEA", **{"stage-0-probability": "15", "stage-0-expected_days": "7"}
    )
    first, second = (
        {k: v for k, v in data.items() if k.startswith("stage-0-")},
        {k: v for k, v in data.items() if k.startswith("stage-1-")},
    )
    data |= {k.replace("stage-0-", "stage-1-"): v for k, v in first.items()}
    data |= {k.replace("stage-1-", "stage-0-"): v for k, v in second.items()}
    data |= {"stage-6-name": "Legal review", "stage-6-kind": "open", "stage-6-probability": "90"}

    response = owner_client(workspace).post(f"/settings/pipelines/{pipeline.pk}", data)

    assert response.status_code == 302
    pipeline.refresh_from_db()
    assert pipeline.name == "Sales EMEA"
    rows = [(s.name, s.probability, s.expected_days) for s in _live(pipeline)]
    assert rows == [
        ("Needs analysis", 20, 14),
        ("Qualification", 15, 7),
        ("Proposal", 50, 21),
        ("Negotiation", 80, 14),
        ("Won", 100, None),
        ("Lost", 0, None),
        ("Legal review", 90, None),
    ]
    deal.refresh_from_db()
    assert deal.stage.name == "Qualification"


def test_removing_a_stage_with_deals_asks_where_they_go(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    stages = {s.name: s for s in _live(pipeline)}
    deal = create_deal(owner, {"name": "In proposal", "stage_id": stages["Proposal"].pk})
    client = owner_client(workspace)
    data = _without(_form(pipeline, name="Renamed"), 2)
    before = _state()

    asked = client.post(f"/settings/pipelines/{pipeline.pk}", data)

    html = asked.content.decode()
    assert asked.status_code == 422
    assert "1 deals are in Proposal: choose the stage they move to." in html
    assert f'<select id="move-{stages["Proposal"].pk}" name="move-{stages["Proposal"].pk}">' in html
    assert 'value="Renamed"' in html  # every other edit is kept
    assert _state() == before

    client.post(
        f"/settings/pipelines/{pipeline.pk}",
        data | {f"move-{stages['Proposal'].pk}": stages["Negotiation"].pk},
    )
    deal.refresh_from_db()
    assert deal.stage_id == stages["Negotiation"].pk
    assert Stage.objects.get(pk=stages["Proposal"].pk).removed_at is not None
    assert Pipeline.objects.get(pk=pipeline.pk).name == "Renamed"


def test_stage_errors_show_on_their_row_and_a_stale_save_is_refused(workspace, owner) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    client = owner_client(workspace)
    before = _state()
    bad = client.post(
        f"/settings/pipelines/{pipeline.pk}", _form(pipeline, **{"stage-2-probability": "150"})
    )
    html = bad.content.decode()
    assert bad.status_code == 422 and "Enter a whole percentage, 0 to 100." in html
    assert 'value="150"' in html
    stale = client.post(
        f"/settings/pipelines/{pipeline.pk}", _form(pipeline, name="X", version="0")
    )
    assert (
        stale.status_code == 409
        and "Someone changed this pipeline meanwhile" in stale.content.decode()
    )
    assert _state() == before


@pytest.mark.parametrize("role", ["sales_rep", "read_only"])
def test_without_pipeline_rights_the_pages_are_read_only(workspace, owner, role) -> None:
    pipeline = ensure_default_pipeline(owner.workspace_id)
    user, _ = make_member(workspace, role)
    client = signed_in(user)
    listing = client.get("/settings/pipelines").content.decode()
    assert "Sales" in listing and "Create pipeline" not in listing and "Delete" not in listing
    editor = client.get(f"/settings/pipelines/{pipeline.pk}").content.decode()
    assert "disabled" in editor and "Save pipeline" not in editor
    before = _state()
    assert (
        client.post(f"/settings/pipelines/{pipeline.pk}", _form(pipeline, name="X")).status_code
        == 403
    )
    assert client.post("/settings/pipelines", {"name": "Mine"}).status_code == 403
    assert (
        client.post("/settings/pipelines/order", {"move": f"down-{pipeline.pk}"}).status_code == 403
    )
    assert client.post(f"/settings/pipelines/{pipeline.pk}/delete").status_code == 403
    assert _state() == before


def test_another_workspaces_pipeline_is_not_found(workspace, owner) -> None:
    theirs = create_pipeline(owner_principal(make_workspace("Globex")), {"name": "Theirs"})
    client = owner_client(workspace)
    before = _state()
    assert client.get(f"/settings/pipelines/{theirs.pk}").status_code == 404
    assert (
        client.post(f"/settings/pipelines/{theirs.pk}", _form(theirs, name="Mine")).status_code
        == 404
    )
    assert client.post(f"/settings/pipelines/{theirs.pk}/delete").status_code == 404
    assert _state() == before
