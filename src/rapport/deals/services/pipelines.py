"""Writes about pipelines and their stages: create, rename, reorder, add and remove stages.

A stage that still holds deals is removed only with a destination for them (`stage_moves`);
its deals move there as ordinary stage changes (history, audit, events). Removed stages are
kept hidden so stage history and win rates still name them. A stage's kind (open, won, lost)
cannot change while deals sit in it: that would silently reclassify closed business.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Count, Max
from django.utils import timezone

from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require, system_principal
from rapport.deals.models import STAGE_KINDS, Deal, Pipeline, Stage

OBJECT_TYPE = "pipeline"
# What a new pipeline starts with when no stages are given (HubSpot's and Salesforce's defaults).
DEFAULT_STAGES: tuple[tuple[str, int, str, int | None], ...] = (
    ("Qualification", 10, "open", 14),
    ("Needs analysis", 20, "open", 14),
    ("Proposal", 50, "open", 21),
    ("Negotiation", 80, "open", 14),
    ("Won", 100, "won", None),
    ("Lost", 0, "lost", None),
)


@dataclass(frozen=True)
class StageSpec:
    """A stage as a write asks for it; `id` names an existing stage of the pipeline."""

    id: int | None
    name: str
    probability: int
    kind: str
    expected_days: int | None


def default_stage_specs() -> list[dict[str, Any]]:
    return [
        {"name": n, "probability": p, "kind": k, "expected_days": d}
        for n, p, k, d in DEFAULT_STAGES
    ]


def _spec(i: int, raw: Any, problems: list[FieldError]) -> StageSpec | None:
    if not isinstance(raw, dict):
        problems.append(FieldError(("stages", i), "Give each stage as an object."))
        return None
    loc = ("stages", i)
    name = str(raw.get("name") or "").strip()
    if not 0 < len(name) <= 100:
        problems.append(FieldError((*loc, "name"), "A stage needs a name of 1 to 100 characters."))
    kind = raw.get("kind") or "open"
    if kind not in STAGE_KINDS:
        problems.append(FieldError((*loc, "kind"), "Choose open, won or lost."))
    default_probability = {"won": 100, "lost": 0}.get(kind, 10)
    probability = raw.get("probability", default_probability)
    if (
        isinstance(probability, bool)
        or not isinstance(probability, int)
        or not 0 <= probability <= 100
    ):
        problems.append(FieldError((*loc, "probability"), "Enter a whole percentage, 0 to 100."))
    days = raw.get("expected_days")
    if days is not None and (
        isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 3650
    ):
        problems.append(FieldError((*loc, "expected_days"), "Enter 1 to 3650 days, or nothing."))
    stage_id = raw.get("id")
    if stage_id is not None and (isinstance(stage_id, bool) or not isinstance(stage_id, int)):
        problems.append(FieldError((*loc, "id"), "A stage id is a number."))
    if problems and problems[-1].loc[:2] == loc:
        return None
    return StageSpec(stage_id, name, probability, kind, days)


def _specs(raw: Any) -> list[StageSpec]:
    if not isinstance(raw, list) or not raw:
        raise Invalid.on("stages", "A pipeline needs stages.")
    if len(raw) > 50:
        raise Invalid.on("stages", "A pipeline has at most 50 stages.")
    problems: list[FieldError] = []
    specs = [_spec(i, item, problems) for i, item in enumerate(raw)]
    if problems:
        raise Invalid("Some stages are not valid.", problems)
    kinds = [s.kind for s in specs if s]
    for kind, label in (("open", "an open"), ("won", "a won"), ("lost", "a lost")):
        if kind not in kinds:
            problems.append(FieldError(("stages",), f"A pipeline needs {label} stage."))
    names = [s.name.lower() for s in specs if s]
    if len(set(names)) != len(names):
        problems.append(FieldError(("stages",), "Two stages have the same name."))
    ids = [s.id for s in specs if s and s.id is not None]
    if len(set(ids)) != len(ids):
        problems.append(FieldError(("stages",), "A stage is listed twice."))
    if problems:
        raise Invalid("The stages are not valid.", problems)
    return [s for s in specs if s]


def _name(raw: Any) -> str:
    name = str(raw or "").strip() if isinstance(raw, str | None) else ""
    if not 0 < len(name) <= 100:
        raise Invalid.on("name", "A pipeline needs a name of 1 to 100 characters.")
    return name


def _check_unique_name(principal: Principal, name: str, pipeline_id: int | None) -> None:
    clash = Pipeline.objects.filter(
        workspace_id=principal.workspace_id, name__iexact=name, removed_at__isnull=True
    )
    if pipeline_id is not None:
        clash = clash.exclude(pk=pipeline_id)
    if clash.exists():
        raise Invalid.on("name", "Another pipeline has this name.")


def stage_rows(pipeline: Pipeline) -> list[Stage]:
    """The pipeline's live stages in order."""
    return list(pipeline.stages.filter(removed_at__isnull=True).order_by("position", "pk"))


def snapshot(pipeline: Pipeline) -> dict[str, Any]:
    stages = [
        {"id": s.pk, "name": s.name, "probability": s.probability, "kind": s.kind,
         "expected_days": s.expected_days}
        for s in stage_rows(pipeline)
    ]  # fmt: skip
    return {"name": pipeline.name, "position": pipeline.position, "stages": stages}


@transaction.atomic
def create_pipeline(principal: Principal, data: dict[str, Any]) -> Pipeline:
    require(principal, "create", OBJECT_TYPE)
    unknown = set(data) - {"name", "stages"}
    if unknown:
        raise Invalid.on(sorted(unknown)[0], "This field cannot be set.")
    name = _name(data.get("name"))
    specs = _specs(data.get("stages") or default_stage_specs())
    if any(s.id is not None for s in specs):
        raise Invalid.on("stages", "A new pipeline's stages have no ids.")
    _check_unique_name(principal, name, None)
    last = Pipeline.objects.filter(workspace_id=principal.workspace_id).aggregate(m=Max("position"))
    pipeline = Pipeline.objects.create(
        workspace_id=principal.workspace_id, name=name, position=(last["m"] or 0) + 1
    )
    _write_stages(pipeline, specs, {})
    record_change(principal, "create", OBJECT_TYPE, pipeline, snapshot(pipeline))
    return pipeline


def lock_pipeline(principal: Principal, pipeline_id: int) -> Pipeline:
    pipeline = (
        Pipeline.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=pipeline_id, removed_at__isnull=True)
        .first()
    )
    if pipeline is None:
        raise NotFound("pipeline not found")
    return pipeline


def _deal_counts(stage_ids: list[int]) -> dict[int, int]:
    """Deals per stage, live and in the restore bin (both keep their stage)."""
    rows = Deal.objects.filter(stage_id__in=stage_ids).values("stage_id").annotate(n=Count("pk"))
    return {row["stage_id"]: row["n"] for row in rows}


def _check_stage_changes(
    pipeline: Pipeline, specs: list[StageSpec], moves: dict[int, int]
) -> list[Stage]:
    """The stages to remove; raises Invalid when a change would strand or reclassify deals."""
    current = {s.pk: s for s in stage_rows(pipeline)}
    kept_ids = {s.id for s in specs if s.id is not None}
    problems = [
        FieldError(("stages", i, "id"), "This stage is not in the pipeline.")
        for i, s in enumerate(specs)
        if s.id is not None and s.id not in current
    ]
    removed = [s for pk, s in current.items() if pk not in kept_ids]
    counts = _deal_counts(list(current))
    for i, spec in enumerate(specs):
        if spec.id in current and current[spec.id].kind != spec.kind and counts.get(spec.id):
            problems.append(FieldError(
                ("stages", i, "kind"),
                f"{counts[spec.id]} deals are in this stage; move them before changing its kind.",
            ))  # fmt: skip
    for stage in removed:
        if not counts.get(stage.pk):
            continue
        target = moves.get(stage.pk)
        if target is None:
            problems.append(FieldError(
                ("stage_moves", str(stage.pk)),
                f"{counts[stage.pk]} deals are in {stage.name}: choose the stage they move to.",
            ))  # fmt: skip
        elif target not in kept_ids:
            problems.append(FieldError(
                ("stage_moves", str(stage.pk)), "Move the deals to a stage the pipeline keeps."
            ))  # fmt: skip
    if problems:
        raise Invalid("The stage changes are not valid.", problems)
    return removed


def _write_stages(pipeline: Pipeline, specs: list[StageSpec], current: dict[int, Stage]) -> None:
    for position, spec in enumerate(specs, start=1):
        fields = {
            "name": spec.name,
            "probability": spec.probability,
            "kind": spec.kind,
            "expected_days": spec.expected_days,
            "position": position,
        }
        if spec.id is None:
            Stage.objects.create(workspace_id=pipeline.workspace_id, pipeline=pipeline, **fields)
            continue
        stage = current[spec.id]
        changed = [name for name, value in fields.items() if getattr(stage, name) != value]
        for name in changed:
            setattr(stage, name, fields[name])
        if changed:
            stage.save(update_fields=changed)


def _parse_moves(raw: Any) -> dict[int, int]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise Invalid.on("stage_moves", "Map each removed stage's id to the stage its deals go to.")
    moves: dict[int, int] = {}
    for key, value in raw.items():
        try:
            moves[int(key)] = int(value)
        except (TypeError, ValueError) as exc:
            raise Invalid.on(("stage_moves", str(key)), "Use stage ids.") from exc
    return moves


@transaction.atomic
def update_pipeline(
    principal: Principal,
    pipeline_id: int,
    data: dict[str, Any],
    expected_version: int | None = None,
) -> Pipeline:
    """Rename the pipeline and/or replace its stage list (order = list order).

    Stages in `stages` with an id are kept (and edited), without one are added, and live
    stages left out are removed; `stage_moves` {removed stage id: kept stage id} says where
    their deals go.
    """
    from rapport.deals.services.deals import move_deals_of_stage  # deals use pipelines

    pipeline = lock_pipeline(principal, pipeline_id)
    require(principal, "edit", OBJECT_TYPE)
    check_version(pipeline, expected_version)
    unknown = set(data) - {"name", "stages", "stage_moves"}
    if unknown:
        raise Invalid.on(sorted(unknown)[0], "This field cannot be changed.")
    before = snapshot(pipeline)
    if "name" in data:
        pipeline.name = _name(data["name"])
        _check_unique_name(principal, pipeline.name, pipeline.pk)
    if "stages" in data:
        specs = _specs(data["stages"])
        moves = _parse_moves(data.get("stage_moves"))
        removed = _check_stage_changes(pipeline, specs, moves)
        _write_stages(pipeline, specs, {s.pk: s for s in stage_rows(pipeline)})
        for stage in removed:
            if stage.pk in moves:
                move_deals_of_stage(principal, stage, moves[stage.pk])
            stage.removed_at = timezone.now()
            stage.save(update_fields=["removed_at"])
    changes = diff(before, snapshot(pipeline))
    if changes:
        pipeline.version += 1
        pipeline.save(update_fields=["name", "version"])
        record_change(principal, "update", OBJECT_TYPE, pipeline, changes)
    return pipeline


@transaction.atomic
def reorder_pipelines(principal: Principal, pipeline_ids: list[int]) -> None:
    """Set the order pipelines are listed in (the first is the default for new deals)."""
    require(principal, "edit", OBJECT_TYPE)
    pipelines = {
        p.pk: p
        for p in Pipeline.objects.select_for_update().filter(
            workspace_id=principal.workspace_id, removed_at__isnull=True
        )
    }
    if sorted(pipeline_ids) != sorted(pipelines):
        raise Invalid.on("pipeline_ids", "List every pipeline of the workspace once.")
    for position, pk in enumerate(pipeline_ids, start=1):
        pipeline = pipelines[pk]
        if pipeline.position != position:
            before = pipeline.position
            pipeline.position = position
            pipeline.version += 1
            pipeline.save(update_fields=["position", "version"])
            record_change(
                principal, "update", OBJECT_TYPE, pipeline, {"position": [before, position]}
            )


@transaction.atomic
def delete_pipeline(principal: Principal, pipeline_id: int) -> None:
    """Remove a pipeline that holds no deals (not even in the restore bin).

    The row stays, hidden, so the stage history of deals that passed through it still reads.
    """
    pipeline = lock_pipeline(principal, pipeline_id)
    require(principal, "delete", OBJECT_TYPE)
    count = Deal.objects.filter(pipeline=pipeline).count()
    if count:
        raise Conflict(f"{count} deals are in this pipeline; move or erase them first.")
    record_change(principal, "delete", OBJECT_TYPE, pipeline, snapshot(pipeline))
    pipeline.removed_at = timezone.now()
    pipeline.version += 1
    pipeline.save(update_fields=["removed_at", "version"])


def ensure_default_pipeline(workspace_id: int) -> Pipeline:
    """The workspace's first pipeline; the first time deals are used it gets "Sales" with the
    default stages, written by the system (any member may open the board or create a deal)."""
    live = Pipeline.objects.filter(workspace_id=workspace_id, removed_at__isnull=True)
    pipeline = live.order_by("position", "pk").first()
    if pipeline is not None:
        return pipeline
    return create_pipeline(system_principal(workspace_id), {"name": "Sales"})
