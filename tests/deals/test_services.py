"""Deals and pipelines through the service layer: stage moves and their history, the close
fields, lost reasons, contacts with roles, pipeline edits that move deals, permissions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from rapport.companies.services import create_company
from rapport.contacts.services import create_contact
from rapport.core.errors import Conflict, Forbidden, Invalid, NotFound, PreconditionFailed
from rapport.core.models import AuditEntry, OutboxEvent
from rapport.deals.models import Deal, DealContact, DealStageChange, Pipeline, Stage
from rapport.deals.queries import is_stuck, stage_history
from rapport.deals.services import (
    create_deal,
    create_pipeline,
    delete_deal,
    delete_pipeline,
    ensure_default_pipeline,
    move_deal_to_stage,
    reorder_pipelines,
    restore_deal,
    update_deal,
    update_pipeline,
)
from tests.conftest import make_member, make_workspace, owner_principal

pytestmark = pytest.mark.django_db


def _stages(pipeline: Pipeline) -> dict[str, Stage]:
    return {s.name: s for s in pipeline.stages.filter(removed_at__isnull=True)}


def _state() -> tuple[list[Any], list[Any], list[Any], int]:
    return (
        list(Deal.objects.order_by("pk").values()),
        list(DealStageChange.objects.order_by("pk").values()),
        list(Stage.objects.order_by("pk").values()),
        AuditEntry.objects.count(),
    )


def test_first_deal_gets_the_default_pipeline_and_its_first_open_stage(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Acme renewal", "amount": "1200.50"})
    pipeline = Pipeline.objects.get(workspace_id=owner.workspace_id)
    assert pipeline.name == "Sales"
    assert [s.name for s in pipeline.stages.order_by("position")] == [
        "Qualification", "Needs analysis", "Proposal", "Negotiation", "Won", "Lost",
    ]  # fmt: skip
    assert (deal.stage.name, deal.amount, deal.currency) == (
        "Qualification",
        Decimal("1200.50"),
        "USD",
    )
    assert (deal.owner_id, deal.forecast_category, deal.closed_on) == (
        owner.user_id,
        "pipeline",
        None,
    )
    stays = list(DealStageChange.objects.filter(deal=deal).values_list("from_stage", "stage__name"))
    assert stays == [(None, "Qualification")]
    event = OutboxEvent.objects.get(name="deal.stage_changed", object_id=deal.pk)
    assert event.payload["to_stage"] == "Qualification"
    assert event.payload["from_stage_id"] is None


def test_moving_records_the_stay_and_emits_the_change(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Big one", "amount": "5000"})
    stages = _stages(deal.pipeline)
    moved = move_deal_to_stage(owner, deal.pk, stages["Proposal"].pk, expected_version=1)
    assert (moved.stage_id, moved.version) == (stages["Proposal"].pk, 2)
    history = stage_history(owner, deal.pk)
    assert [s.stage.name for s in history] == ["Qualification", "Proposal"]
    assert history[0].left_at == history[1].entered_at
    assert history[1].left_at is None
    update = AuditEntry.objects.get(object_type="deal", object_id=deal.pk, action="update")
    assert update.changes == {"stage_id": [stages["Qualification"].pk, stages["Proposal"].pk]}
    names = list(
        OutboxEvent.objects.filter(object_type="deal", object_id=deal.pk)
        .order_by("pk")
        .values_list("name", flat=True)
    )
    assert names == ["deal.created", "deal.stage_changed", "deal.updated", "deal.stage_changed"]


def test_winning_closes_today_and_reopening_clears_the_close(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Win me", "forecast_category": "commit"})
    stages = _stages(deal.pipeline)
    won = move_deal_to_stage(owner, deal.pk, stages["Won"].pk)
    assert (won.closed_on, won.forecast_category) == (timezone.now().date(), "closed")
    reopened = move_deal_to_stage(owner, deal.pk, stages["Negotiation"].pk)
    assert (reopened.closed_on, reopened.forecast_category) == (None, "pipeline")


def test_losing_needs_a_reason_and_a_refusal_changes_nothing(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Maybe"})
    lost = _stages(deal.pipeline)["Lost"]
    before = _state()
    with pytest.raises(Invalid) as caught:
        move_deal_to_stage(owner, deal.pk, lost.pk)
    assert [e.loc for e in caught.value.errors] == [("lost_reason",)]
    assert _state() == before
    done = move_deal_to_stage(owner, deal.pk, lost.pk, lost_reason="Chose a competitor")
    assert (done.lost_reason, done.forecast_category) == ("Chose a competitor", "omitted")


def test_a_closed_deal_can_be_backdated_but_an_open_one_has_no_close_date(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Late paperwork"})
    won = _stages(deal.pipeline)["Won"]
    with pytest.raises(Invalid) as caught:
        update_deal(owner, deal.pk, {"closed_on": "2026-01-31"})
    assert caught.value.errors[0].loc == ("closed_on",)
    done = update_deal(owner, deal.pk, {"stage_id": won.pk, "closed_on": "2026-01-31"})
    assert done.closed_on == dt.date(2026, 1, 31)
    with pytest.raises(Invalid) as wrong:
        update_deal(owner, deal.pk, {"forecast_category": "commit"})
    assert wrong.value.errors[0].msg == "A won deal's forecast category is closed."


def test_a_stage_of_another_pipeline_moves_the_deal_there(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Switch"})
    renewals = create_pipeline(owner, {"name": "Renewals"})
    target = _stages(renewals)["Proposal"]
    moved = update_deal(owner, deal.pk, {"stage_id": target.pk})
    assert (moved.pipeline_id, moved.stage_id) == (renewals.pk, target.pk)
    only_pipeline = update_deal(owner, deal.pk, {"pipeline_id": deal.pipeline_id})
    assert only_pipeline.stage.name == "Qualification"
    with pytest.raises(Invalid) as caught:
        update_deal(owner, deal.pk, {"pipeline_id": renewals.pk, "stage_id": deal.stage_id})
    assert caught.value.errors[0].msg == "Choose a stage of the pipeline Renewals."


def test_contacts_with_roles_and_one_primary(owner: Any) -> None:
    ada = create_contact(owner, {"first_name": "Ada"})
    bob = create_contact(owner, {"first_name": "Bob"})
    deal = create_deal(
        owner,
        {"name": "Team deal", "contacts": [
            {"contact_id": ada.pk, "role": "champion"},
            {"contact_id": bob.pk, "role": "decision_maker", "is_primary": True},
        ]},
    )  # fmt: skip
    rows = list(
        DealContact.objects.filter(deal=deal)
        .order_by("pk")
        .values_list("contact_id", "role", "is_primary")
    )
    assert rows == [(ada.pk, "champion", False), (bob.pk, "decision_maker", True)]
    with pytest.raises(Invalid) as caught:
        update_deal(owner, deal.pk, {"contacts": [{"contact_id": ada.pk, "role": "boss"},
                                                  {"contact_id": 999999}]})  # fmt: skip
    assert [e.loc for e in caught.value.errors] == [
        ("contacts", 0, "role"),
        ("contacts", 1, "contact_id"),
    ]
    update_deal(owner, deal.pk, {"contacts": [{"contact_id": ada.pk, "role": "user"}]})
    assert list(DealContact.objects.filter(deal=deal).values_list("contact_id", "is_primary")) == [
        (ada.pk, True)
    ]


def test_records_of_another_workspace_cannot_be_linked(owner: Any) -> None:
    stranger = owner_principal(make_workspace("Other"))
    their_company = create_company(stranger, {"name": "Theirs"})
    their_deal = create_deal(stranger, {"name": "Theirs"})
    with pytest.raises(Invalid) as caught:
        create_deal(owner, {"name": "Mine", "company_id": their_company.pk})
    assert caught.value.errors[0].loc == ("company_id",)
    with pytest.raises(Invalid):
        create_deal(owner, {"name": "Mine", "stage_id": their_deal.stage_id})
    with pytest.raises(NotFound):
        update_deal(owner, their_deal.pk, {"name": "Hijacked"})
    assert Deal.objects.get(pk=their_deal.pk).name == "Theirs"


def test_a_rep_edits_their_own_deals_only(workspace: Any, owner: Any) -> None:
    _, rep = make_member(workspace, "sales_rep")
    theirs = create_deal(owner, {"name": "Owner's"})
    mine = create_deal(rep, {"name": "Rep's"})
    assert mine.owner_id == rep.user_id
    before = _state()
    with pytest.raises(Forbidden):
        update_deal(rep, theirs.pk, {"name": "Taken"})
    with pytest.raises(Forbidden):
        update_deal(rep, mine.pk, {"owner_id": owner.user_id})
    assert _state() == before
    _, reader = make_member(workspace, "read_only")
    before = _state()
    with pytest.raises(Forbidden):
        create_deal(reader, {"name": "Nope"})
    with pytest.raises(Forbidden):
        create_pipeline(rep, {"name": "Rep pipeline"})
    assert _state() == before


def test_stale_version_is_refused(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Versioned"})
    update_deal(owner, deal.pk, {"name": "v2"}, expected_version=1)
    with pytest.raises(PreconditionFailed):
        update_deal(owner, deal.pk, {"name": "v3"}, expected_version=1)
    assert Deal.objects.get(pk=deal.pk).name == "v2"


def test_bad_amounts_and_dates_are_field_errors(owner: Any) -> None:
    with pytest.raises(Invalid) as caught:
        create_deal(owner, {"name": "Bad", "amount": "-5", "currency": "euro",
                            "expected_close_on": "2026-02-30",
                            "forecast_category": "maybe"})  # fmt: skip
    assert sorted(e.loc[0] for e in caught.value.errors) == [
        "amount", "currency", "expected_close_on", "forecast_category",
    ]  # fmt: skip
    with pytest.raises(Invalid):
        create_deal(owner, {"name": "Cents", "amount": "1.005"})
    assert not Deal.objects.exists()


def test_delete_and_restore_keep_the_history(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Binned"})
    delete_deal(owner, deal.pk)
    with pytest.raises(NotFound):
        stage_history(owner, deal.pk)
    restore_deal(owner, deal.pk)
    assert [s.stage.name for s in stage_history(owner, deal.pk)] == ["Qualification"]


def test_stuck_when_longer_in_stage_than_expected(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Slow"})  # Qualification expects 14 days
    later = deal.stage_entered_at + dt.timedelta(days=15)
    assert (
        is_stuck(deal, deal.stage_entered_at + dt.timedelta(days=13)),
        is_stuck(deal, later),
    ) == (
        False,
        True,
    )


# --- Pipelines ----------------------------------------------------------------------------------


def test_a_pipeline_needs_open_won_and_lost_stages(owner: Any) -> None:
    with pytest.raises(Invalid) as caught:
        create_pipeline(owner, {"name": "Odd", "stages": [
            {"name": "Talk", "kind": "open"}, {"name": "talk", "kind": "won", "probability": 101},
        ]})  # fmt: skip
    messages = [e.msg for e in caught.value.errors]
    assert messages == ["Enter a whole percentage, 0 to 100."]
    with pytest.raises(Invalid) as caught:
        create_pipeline(owner, {"name": "Odd", "stages": [
            {"name": "Talk", "kind": "open"}, {"name": "talk", "kind": "won"},
        ]})  # fmt: skip
    assert [e.msg for e in caught.value.errors] == [
        "A pipeline needs a lost stage.", "Two stages have the same name.",
    ]  # fmt: skip
    assert not Pipeline.objects.exists()


def test_removing_a_stage_with_deals_asks_where_they_go(owner: Any) -> None:
    deal = create_deal(owner, {"name": "In proposal"})
    pipeline = deal.pipeline
    stages = _stages(pipeline)
    move_deal_to_stage(owner, deal.pk, stages["Proposal"].pk)
    kept = [
        {"id": s.pk, "name": s.name, "kind": s.kind, "probability": s.probability}
        for s in pipeline.stages.order_by("position")
        if s.name != "Proposal"
    ]
    before = _state()
    with pytest.raises(Invalid) as caught:
        update_pipeline(owner, pipeline.pk, {"stages": kept})
    assert caught.value.errors[0].loc == ("stage_moves", str(stages["Proposal"].pk))
    assert caught.value.errors[0].msg == "1 deals are in Proposal: choose the stage they move to."
    assert _state() == before
    update_pipeline(
        owner,
        pipeline.pk,
        {"stages": kept, "stage_moves": {str(stages["Proposal"].pk): stages["Negotiation"].pk}},
    )
    deal.refresh_from_db()
    assert deal.stage_id == stages["Negotiation"].pk
    assert Stage.objects.get(pk=stages["Proposal"].pk).removed_at is not None
    assert [s.stage.name for s in stage_history(owner, deal.pk)] == [
        "Qualification",
        "Proposal",
        "Negotiation",
    ]


def test_reordering_and_renaming_stages_keeps_deals_in_place(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Stays"})
    pipeline = deal.pipeline
    rows = list(pipeline.stages.order_by("position"))
    specs = [
        {"id": s.pk, "name": s.name, "kind": s.kind, "probability": s.probability} for s in rows
    ]
    specs[0]["name"] = "Discovery"
    specs = [specs[1], specs[0], *specs[2:], {"name": "Legal", "kind": "open", "probability": 90}]
    update_pipeline(owner, pipeline.pk, {"stages": specs}, expected_version=1)
    live = pipeline.stages.filter(removed_at__isnull=True).order_by("position")
    assert [s.name for s in live] == [
        "Needs analysis", "Discovery", "Proposal", "Negotiation", "Won", "Lost", "Legal",
    ]  # fmt: skip
    deal.refresh_from_db()
    assert deal.stage.name == "Discovery"
    entry = AuditEntry.objects.filter(object_type="pipeline", action="update").get()
    assert list(entry.changes) == ["stages"]


def test_a_stage_with_deals_keeps_its_kind(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Open"})
    specs = [
        {"id": s.pk, "name": s.name, "kind": "won" if s.pk == deal.stage_id else s.kind}
        for s in deal.pipeline.stages.order_by("position")
    ]
    with pytest.raises(Invalid) as caught:
        update_pipeline(owner, deal.pipeline_id, {"stages": specs})
    assert caught.value.errors[0].loc == ("stages", 0, "kind")


def test_a_pipeline_with_deals_cannot_be_removed(owner: Any) -> None:
    deal = create_deal(owner, {"name": "Holding"})
    with pytest.raises(Conflict):
        delete_pipeline(owner, deal.pipeline_id)
    spare = create_pipeline(owner, {"name": "Spare"})
    delete_pipeline(owner, spare.pk)
    assert Pipeline.objects.get(pk=spare.pk).removed_at is not None
    assert ensure_default_pipeline(owner.workspace_id).pk == deal.pipeline_id


def test_pipelines_are_ordered_by_hand(owner: Any) -> None:
    first = ensure_default_pipeline(owner.workspace_id)
    second = create_pipeline(owner, {"name": "Partners"})
    reorder_pipelines(owner, [second.pk, first.pk])
    assert ensure_default_pipeline(owner.workspace_id).pk == second.pk
    with pytest.raises(Invalid):
        reorder_pipelines(owner, [second.pk])
