"""What the deal pages show and edit, and the pipeline editor's stage table.

Deals: the standard fields as FieldSpecs (core.field_specs), then custom ones, like contacts and
companies. The stage and pipeline choices depend on the workspace's pipelines, so the specs are
built per request from `pipelines_of`.

The stage table of Settings > Pipelines is one plain form whose inputs say where each value
sits (`stage-2-name`); a button posts the form with a `change` (add a stage, move one, remove
one), and the page draws the table again with the change applied and nothing saved, so nothing
typed is lost. `stage_rows_from` and `apply_change` are the pure converters it uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from django import forms
from django.http import QueryDict

from rapport.core.field_specs import FieldSpec, choices_of
from rapport.customfields.models import CustomField
from rapport.customfields.queries import field_specs_of
from rapport.deals.models import CONTACT_ROLES, FORECAST_CATEGORIES, STAGE_KINDS, Pipeline

# The stage and pipeline choices are the workspace's: `deal_specs` fills them in per request.
STANDARD = (
    FieldSpec("name", "Name", sortable=True, required=True),
    # Moved with the stage bar or the board, which ask for a lost reason; not edited in place.
    FieldSpec("stage_id", "Stage", "choice", required=True, editable=False),
    FieldSpec(
        "pipeline_id",
        "Pipeline",
        "choice",
        required=True,
        help_text="Another pipeline puts the deal in its first open stage",
    ),
    FieldSpec("amount", "Amount", "decimal", sortable=True),
    FieldSpec(
        "currency", "Currency", help_text="Three-letter code, e.g. EUR; the workspace's by default"
    ),
    FieldSpec("expected_close_on", "Expected close", "date", sortable=True),
    FieldSpec("owner_id", "Owner", "user"),
    FieldSpec("company_id", "Company", "company"),
    FieldSpec("forecast_category", "Forecast category", "choice", choices_of(FORECAST_CATEGORIES)),
    FieldSpec("next_step", "Next step", filterable=False),
    FieldSpec("next_step_on", "Next step due", "date"),
    FieldSpec("source", "Source"),
    FieldSpec("lost_reason", "Lost reason"),
    FieldSpec("closed_on", "Closed on", "date", sortable=True),
    FieldSpec("tags", "Tags", "tags"),
    FieldSpec(
        "stage_entered_at",
        "In stage since",
        "datetime",
        sortable=True,
        editable=False,
        filterable=False,
    ),
    FieldSpec("created_at", "Created", "datetime", sortable=True, editable=False),
    FieldSpec("updated_at", "Updated", "datetime", sortable=True, editable=False),
)
# Filters with no column of their own.
FILTER_ONLY = (FieldSpec("stage_kind", "Stage kind", "choice", choices_of(STAGE_KINDS)),)
# After the Name column, which every list shows first and links to the record.
DEFAULT_COLUMNS = ("stage_id", "amount", "expected_close_on", "owner_id", "company_id")
# The fields a new deal's form asks for (the rest are edited on the record page).
CREATE_FIELDS = ("name", "amount", "currency", "stage_id", "expected_close_on", "owner_id",
                 "company_id", "forecast_category", "next_step", "source", "tags")  # fmt: skip
ROLE_CHOICES = choices_of(CONTACT_ROLES)


def stage_choices(pipelines: Sequence[Pipeline]) -> tuple[tuple[str, str], ...]:
    """Every live stage, labelled "Pipeline · Stage" when there is more than one pipeline."""
    many = len(pipelines) > 1
    return tuple(
        (str(stage.pk), f"{pipeline.name} · {stage.name}" if many else stage.name)
        for pipeline in pipelines
        for stage in pipeline.stage_rows  # type: ignore[attr-defined]
    )


def deal_specs(custom_fields: list[CustomField], pipelines: Sequence[Pipeline]) -> list[FieldSpec]:
    """Standard fields (with the workspace's pipelines and stages), then live custom fields."""
    choices = {
        "stage_id": stage_choices(pipelines),
        "pipeline_id": tuple((str(p.pk), p.name) for p in pipelines),
    }
    standard = [replace(s, choices=choices[s.name]) if s.name in choices else s for s in STANDARD]
    return [*standard, *field_specs_of(custom_fields)]


# --- The pipeline editor's stage table ----------------------------------------------------------

MAX_STAGES = 50


@dataclass(frozen=True)
class StageRow:
    """One row of the stage table as typed: strings, so a bad value comes back as it was."""

    id: int | None
    name: str
    kind: str
    probability: str
    expected_days: str


def stage_rows_from(post: QueryDict) -> list[StageRow]:
    """The table's rows in the order posted (`stage-<n>-<field>`, n from 0)."""
    rows = []
    for n in range(MAX_STAGES + 1):
        prefix = f"stage-{n}-"
        if f"{prefix}name" not in post:
            break
        raw_id = post.get(f"{prefix}id", "")
        rows.append(
            StageRow(
                id=int(raw_id) if raw_id.isdigit() else None,
                name=post.get(f"{prefix}name", "").strip(),
                kind=post.get(f"{prefix}kind", "open"),
                probability=post.get(f"{prefix}probability", "").strip(),
                expected_days=post.get(f"{prefix}expected_days", "").strip(),
            )
        )
    return rows


def rows_of(pipeline: Pipeline) -> list[StageRow]:
    """The pipeline's live stages as table rows."""
    return [
        StageRow(
            s.pk,
            s.name,
            s.kind,
            str(s.probability),
            "" if s.expected_days is None else str(s.expected_days),
        )
        for s in pipeline.stage_rows  # type: ignore[attr-defined]
    ]


def apply_change(
    rows: list[StageRow], change: str, saved: Sequence[StageRow] = ()
) -> list[StageRow]:
    """The rows after a table button: `add`, `up-<n>`, `down-<n>`, `remove-<n>`, or
    `keep-<stage id>` (a removed stage of `saved` back in its place)."""
    rows = list(rows)
    action, _, raw = change.partition("-")
    if action == "add" and len(rows) < MAX_STAGES:
        lost = next((i for i, r in enumerate(rows) if r.kind != "open"), len(rows))
        rows.insert(lost, StageRow(None, "", "open", "", ""))  # before the won and lost stages
        return rows
    if action == "keep":
        kept = next((i for i, r in enumerate(saved) if str(r.id) == raw), None)
        if kept is not None and all(r.id != saved[kept].id for r in rows):
            rows.insert(min(kept, len(rows)), saved[kept])
        return rows
    if not raw.isdigit() or not 0 <= int(raw) < len(rows):
        return rows
    n = int(raw)
    if action == "remove":
        del rows[n]
    elif action == "up" and n > 0:
        rows[n - 1], rows[n] = rows[n], rows[n - 1]
    elif action == "down" and n < len(rows) - 1:
        rows[n], rows[n + 1] = rows[n + 1], rows[n]
    return rows


def _number(raw: str) -> int | str:
    """A whole number as the service takes it; anything else as typed, for its message."""
    return int(raw) if raw.isdigit() else raw


def stage_writes(rows: list[StageRow]) -> list[dict[str, Any]]:
    """The rows as update_pipeline's `stages` (an empty probability takes the kind's default)."""
    writes = []
    for row in rows:
        data: dict[str, Any] = {"name": row.name, "kind": row.kind}
        if row.id is not None:
            data["id"] = row.id
        if row.probability:
            data["probability"] = _number(row.probability)
        data["expected_days"] = _number(row.expected_days) if row.expected_days else None
        writes.append(data)
    return writes


def stage_moves_from(post: QueryDict) -> dict[str, int]:
    """The destinations chosen for removed stages' deals (`move-<stage id>` -> stage id)."""
    moves = {}
    for key in post:
        stage_id = key.removeprefix("move-")
        target = post.get(key, "")
        if key.startswith("move-") and stage_id.isdigit() and target.isdigit():
            moves[stage_id] = int(target)
    return moves


class PipelineForm(forms.Form):
    """A new pipeline's name (its stages start as the default six)."""

    name = forms.CharField(label="Name", max_length=100)
