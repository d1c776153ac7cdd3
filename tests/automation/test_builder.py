"""The builder form's pure functions: posted fields <-> definition, edits, error locations."""

from __future__ import annotations

from typing import Any

import pytest

from rapport.automation.builder import definition_from_post, input_name, post_from_definition
from rapport.automation.builder_changes import apply_change, focus_after

pytestmark = pytest.mark.django_db  # no query runs; the suite's cache clean-up needs the database

FULL: dict[str, Any] = {
    "trigger": {"type": "record_created", "object_type": "contact"},
    "conditions": {"all": [
        {"field": "city", "op": "eq", "value": "London"},
        {"any": [{"field": "lifecycle_stage", "op": "eq", "value": "lead"},
                 {"field": "country", "op": "is-empty", "value": "false"}]},
    ]},
    "steps": [
        {"id": "s1", "type": "update_field", "field": "lifecycle_stage", "value": "customer"},
        {"id": "s2", "type": "branch", "name": "VIP?",
         "if": {"any": [{"field": "tags", "op": "eq", "value": "vip"}]},
         "then": [{"id": "s3", "type": "add_tag", "tag": "gold"},
                  {"id": "s4", "type": "notify", "recipients": [7, 9], "title": "Hi", "body": ""}],
         "else": [{"id": "s5", "type": "wait", "days": 2, "hours": 0, "minutes": 30}]},
        {"id": "s6", "type": "assign_owner", "mode": "round_robin", "team_id": 3},
        {"id": "s7", "type": "create_record", "object_type": "company", "fields": {"name": "Acme"}},
        {"id": "s8", "type": "wait", "until_field": "birthday", "offset_days": -1, "at": "09:00"},
        {"id": "s9", "type": "update_field", "field": "owner_id", "value": 5},
        {"id": "s10", "type": "create_task", "subject": "Call", "body": "", "due_in_days": 2,
         "assignee": "owner", "priority": "high"},
        {"id": "s11", "type": "send_email", "template_id": 4, "to": "user", "user_id": 7},
        {"id": "s12", "type": "http_post", "url": "https://example.com/h", "timeout_seconds": 5},
        {"id": "s13", "type": "create_activity", "kind": "note", "subject": "Hi", "body": "Text"},
        {"id": "s14", "type": "update_field", "field": "custom.vip", "value": True},
    ],
}  # fmt: skip


def test_a_definition_survives_the_round_trip_through_the_form() -> None:
    assert definition_from_post(post_from_definition(FULL)) == FULL


@pytest.mark.parametrize(
    "trigger",
    [
        {"type": "field_changed", "object_type": "contact", "field": "city", "to": "Paris"},
        {"type": "date", "object_type": "contact", "field": "birthday", "offset_days": -3,
         "at": "08:30", "every_year": True},
        {"type": "no_activity", "object_type": "company", "days": 30},
        {"type": "schedule", "object_type": "contact", "weekdays": [0, 3], "at": "07:00"},
        {"type": "webhook"},
        {"type": "manual", "object_type": "activity"},
    ],
)  # fmt: skip
def test_every_trigger_survives_the_round_trip(trigger: dict[str, Any]) -> None:
    definition = {"trigger": trigger, "steps": [{"id": "s1", "type": "add_tag", "tag": "x"}]}
    assert definition_from_post(post_from_definition(definition)) == definition


def test_the_form_names_inputs_by_their_place() -> None:
    post = post_from_definition(FULL)
    assert post["trigger-type"] == ["record_created"]
    assert post["cond-match"] == ["all"]
    assert post["cond-1-match"] == ["any"]
    assert (post["cond-1-1-op"], post["cond-1-1-value"]) == (["is-not-empty"], [""])
    assert post["steps-1-if-0-field"] == ["tags"]
    assert post["steps-1-then-1-recipients"] == ["users"]
    assert post["steps-1-then-1-recipient_ids"] == ["7", "9"]
    assert post["steps-1-else-0-wait_for"] == ["duration"]
    assert post["steps-3-fields"] == ["name: Acme"]
    assert (post["steps-5-value"], post["steps-5-value_kind"]) == (["5"], ["integer"])


def test_what_was_typed_is_kept_even_when_it_is_not_valid() -> None:
    post = {
        "trigger-type": ["no_activity"], "trigger-object_type": ["contact"],
        "trigger-days": ["soon"], "cond-match": ["any"],
        "cond-0-field": ["city"], "cond-0-op": ["eq"], "cond-0-value": [""],
        "steps-0-id": ["s1"], "steps-0-type": ["create_task"], "steps-0-subject": [" Call "],
        "steps-0-due_in_days": [""], "steps-0-assignee": ["12"], "steps-0-priority": ["high"],
        "steps-0-body": [""], "steps-0-name": [""],
    }  # fmt: skip
    assert definition_from_post(post) == {
        "trigger": {"type": "no_activity", "object_type": "contact", "days": "soon"},
        "conditions": {"any": [{"field": "city", "op": "eq"}]},
        "steps": [{"id": "s1", "type": "create_task", "subject": " Call ", "body": "",
                   "priority": "high", "assignee": 12}],
    }  # fmt: skip


def test_rows_are_read_in_order_whatever_their_numbers() -> None:
    post = {
        "trigger-type": ["record_created"], "trigger-object_type": ["contact"],
        "steps-7-id": ["b"], "steps-7-type": ["add_tag"], "steps-7-tag": ["second"],
        "steps-2-id": ["a"], "steps-2-type": ["add_tag"], "steps-2-tag": ["first"],
    }  # fmt: skip
    steps = definition_from_post(post)["steps"]
    assert [s["tag"] for s in steps] == ["first", "second"]
    assert "conditions" not in definition_from_post(post)


def test_adding_a_step_gives_it_defaults_and_an_unused_id() -> None:
    edited = apply_change(FULL, "add-step:steps-1-then:create_task")
    added = edited["steps"][1]["then"][-1]
    assert added == {"id": "s15", "type": "create_task", "subject": "", "body": "",
                     "due_in_days": 1, "assignee": "owner", "priority": "normal"}  # fmt: skip
    assert focus_after(edited, "add-step:steps-1-then:create_task") == "steps-1-then-2"
    assert FULL["steps"][1]["then"][-1]["id"] == "s4"  # the original is untouched


def test_conditions_and_groups_are_added_and_removed() -> None:
    empty = {"trigger": {"type": "record_created", "object_type": "contact"}, "steps": []}
    one = apply_change(empty, "add-condition:cond")
    assert one["conditions"] == {"all": [{"field": "", "op": "eq"}]}
    two = apply_change(one, "add-group:cond")
    assert two["conditions"]["all"][1] == {"all": [{"field": "", "op": "eq"}]}
    three = apply_change(two, "add-condition:cond-1")
    assert len(three["conditions"]["all"][1]["all"]) == 2
    assert apply_change(three, "remove:cond-1")["conditions"] == one["conditions"]
    branch = apply_change(FULL, "add-condition:steps-1-if")
    assert len(branch["steps"][1]["if"]["any"]) == 2


def test_steps_move_and_are_removed_inside_branches() -> None:
    down = apply_change(FULL, "down:steps-1-then-0")
    assert [s["id"] for s in down["steps"][1]["then"]] == ["s4", "s3"]
    assert apply_change(FULL, "up:steps-0") == FULL  # the first cannot move up
    removed = apply_change(FULL, "remove:steps-1-else-0")
    assert removed["steps"][1]["else"] == []


@pytest.mark.parametrize(
    "change", ["remove:steps-40", "up:cond-9-9", "add-step:steps:nonsense", "explode", ""]
)
def test_a_change_that_makes_no_sense_changes_nothing(change: str) -> None:
    assert apply_change(FULL, change) == FULL


@pytest.mark.parametrize(
    ("loc", "name"),
    [
        (("definition", "steps", 2, "then", 0, "field"), "steps-2-then-0-field"),
        (("definition", "conditions", "all", 1, "any", 0, "op"), "cond-1-0-op"),
        (("definition", "steps", 1, "if", "all", 0, "field"), "steps-1-if-0-field"),
        (("definition", "trigger", "date", "at"), "trigger-at"),
        (("definition", "trigger", "weekdays", 0), "trigger-weekdays"),
        (("definition", "steps", 3, "recipients", 1), "steps-3-recipient_ids"),
        (("definition", "steps", 3), "steps-3"),
        (("definition", "steps"), "steps"),
        (("name",), "name"),
    ],
)
def test_an_error_location_names_its_input(loc: tuple[Any, ...], name: str) -> None:
    assert input_name(loc) == name


def test_a_crafted_post_nested_beyond_reason_is_cut_off() -> None:
    post: dict[str, list[str]] = {"trigger-type": ["manual"]}
    prefix = "steps-0"
    for _ in range(500):
        post |= {f"{prefix}-type": ["branch"], f"{prefix}-id": ["x"]}
        prefix += "-then-0"
    depth, steps = 0, definition_from_post(post)["steps"]
    while steps:
        depth, steps = depth + 1, steps[0].get("then") or []
    assert 10 < depth < 40
