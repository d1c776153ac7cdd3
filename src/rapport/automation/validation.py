"""Checking a parsed definition against its workspace: every problem, with its step and field.

The shape was checked by `definitions.parse_definition`; here: do the fields exist on the
record type, are the users members, the teams and templates real, do steps that need a record
have one. Values written by `update_field` are checked by the record's service when it runs.
"""

from __future__ import annotations

from typing import Any

from rapport.automation import definitions as d
from rapport.automation.conditions import condition_q
from rapport.automation.outbound import check_url
from rapport.automation.record_types import RECORD_TYPES, RecordType
from rapport.core.errors import FieldError, Invalid
from rapport.core.permissions import Principal
from rapport.workspaces.models import Membership, Team

RECORD_STEPS = (d.UpdateField, d.AssignOwner, d.TagStep, d.CreateTask, d.CreateActivity,
                d.CreateRecord)  # fmt: skip
DATE_TYPES = {"date", "datetime"}
TERRITORY_TYPES = ("contact", "company", "deal")  # records with an address territories read


def _members(workspace_id: int) -> set[int]:
    return set(
        Membership.objects.filter(
            workspace_id=workspace_id, is_active=True, user__is_active=True
        ).values_list("user_id", flat=True)
    )


class _Checker:
    def __init__(self, principal: Principal, definition: d.Definition) -> None:
        self.workspace_id = principal.workspace_id
        self.definition = definition
        object_type = getattr(definition.trigger, "object_type", None)
        self.kind: RecordType | None = RECORD_TYPES[object_type] if object_type else None
        self.problems: list[FieldError] = []
        self.members = _members(self.workspace_id)

    def add(self, loc: tuple[str | int, ...], message: str) -> None:
        self.problems.append(FieldError(("definition", *loc), message))

    def date_fields(self) -> set[str]:
        assert self.kind is not None
        custom = self.kind.custom_keys(self.workspace_id)
        return set(self.kind.dates) | {k for k, f in custom.items() if f.field_type in DATE_TYPES}

    def conditions(self, condition: d.Condition | None, loc: tuple[str | int, ...]) -> None:
        if condition is None:
            return
        if self.kind is None:
            self.add(loc, "Conditions need a record: give the trigger an object_type.")
            return
        try:
            condition_q(
                condition, self.kind.condition_fields(self.workspace_id), ("definition", *loc)
            )
        except Invalid as exc:
            self.problems.extend(exc.errors)

    def trigger(self) -> None:
        trigger = self.definition.trigger
        if isinstance(trigger, d.FieldChangedTrigger):
            assert self.kind is not None
            known = set(self.kind.condition_fields(self.workspace_id)) | set(self.kind.writable)
            if trigger.field not in known:
                self.add(
                    ("trigger", "field"), f"{self.kind.label}s have no field {trigger.field!r}."
                )
        if isinstance(trigger, d.DateTrigger) and trigger.field not in self.date_fields():
            self.add(("trigger", "field"), f"{trigger.field!r} is not a date field here.")

    def step(self, step: Any, loc: tuple[str | int, ...]) -> None:
        name = f"Step {step.id!r}"
        if isinstance(step, RECORD_STEPS) and self.kind is None:
            self.add(loc, f"{name} changes a record, but this trigger has none.")
            return
        check = getattr(self, f"_{step.type}", None)
        if check is not None:
            check(step, loc, name)

    def _update_field(self, step: d.UpdateField, loc: Any, name: str) -> None:
        assert self.kind is not None
        custom = self.kind.custom_keys(self.workspace_id)
        if step.field not in self.kind.writable and step.field not in custom:
            self.add(
                (*loc, "field"),
                f"{name}: {self.kind.label}s have no field {step.field!r} a workflow can set.",
            )

    def _is_team(self, team_id: int | None) -> bool:
        return team_id is not None and (
            Team.objects.filter(workspace_id=self.workspace_id, pk=team_id).exists()
        )

    def _assign_owner(self, step: d.AssignOwner, loc: Any, name: str) -> None:
        if step.mode == "territory":
            self._by_territory(step, loc, name)
            return
        if step.mode == "user" and step.user_id not in self.members:
            self.add((*loc, "user_id"), f"{name}: choose an active member of this workspace.")
        if step.mode != "user" and not self._is_team(step.team_id):
            self.add((*loc, "team_id"), f"{name}: choose a team of this workspace.")

    def _by_territory(self, step: d.AssignOwner, loc: Any, name: str) -> None:
        assert self.kind is not None
        if self.kind.object_type not in TERRITORY_TYPES:
            self.add((*loc, "mode"), f"{name}: territories assign contacts, companies and deals.")
        if step.fallback_team_id is not None and not self._is_team(step.fallback_team_id):
            self.add((*loc, "fallback_team_id"), f"{name}: choose a team of this workspace.")
        if step.fallback_user_id is not None and step.fallback_user_id not in self.members:
            self.add(
                (*loc, "fallback_user_id"), f"{name}: choose an active member of this workspace."
            )

    def _create_task(self, step: d.CreateTask, loc: Any, name: str) -> None:
        if step.assignee != "owner" and step.assignee not in self.members:
            self.add((*loc, "assignee"), f"{name}: the assignee must be an active member.")

    def _notify(self, step: d.Notify, loc: Any, name: str) -> None:
        if step.recipients == "owner":
            if self.kind is None:
                self.add(
                    (*loc, "recipients"), f"{name}: without a record there is no owner; list users."
                )
            return
        for i, user_id in enumerate(step.recipients):
            if user_id not in self.members:
                self.add(
                    (*loc, "recipients", i), f"{name}: user {user_id} is not an active member."
                )

    def _send_email(self, step: d.SendEmail, loc: Any, name: str) -> None:
        from rapport.automation.actions import find_email_template

        if find_email_template(self.workspace_id, step.template_id) is None:
            self.add((*loc, "template_id"), f"{name}: no such email template in this workspace.")
        if step.to == "user" and step.user_id not in self.members:
            self.add((*loc, "user_id"), f"{name}: choose an active member to send to.")
        if step.to in ("contact", "owner") and self.kind is None:
            self.add((*loc, "to"), f"{name}: this trigger has no record to take a recipient from.")

    def _http_post(self, step: d.HttpPost, loc: Any, name: str) -> None:
        try:
            check_url(step.url, resolve=False)
        except ValueError as exc:
            self.add((*loc, "url"), f"{name}: {exc}")

    def _wait(self, step: d.Wait, loc: Any, name: str) -> None:
        if step.until_field is None:
            return
        if self.kind is None or step.until_field not in self.date_fields():
            self.add(
                (*loc, "until_field"), f"{name}: {step.until_field!r} is not a date field here."
            )

    def _branch(self, step: d.Branch, loc: Any, name: str) -> None:
        self.conditions(step.condition, (*loc, "if"))

    def _create_record(self, step: d.CreateRecord, loc: Any, name: str) -> None:
        assert self.kind is not None
        allowed = {"contact": ("company", "deal"), "company": ("contact", "deal")}
        others = allowed.get(self.kind.object_type, ())
        if step.object_type not in others:
            what = " or ".join(f"a related {o}" for o in others) or "no related record"
            message = f"{name}: a {self.kind.object_type} can get {what}."
            self.add((*loc, "object_type"), message)


def validate_definition(principal: Principal, definition: d.Definition) -> None:
    """Invalid listing every problem of the definition in this workspace, or nothing."""
    checker = _Checker(principal, definition)
    checker.trigger()
    checker.conditions(definition.conditions, ("conditions",))
    for step, loc, _ in d.walk(definition.steps):
        checker.step(step, loc)
    if checker.problems:
        raise Invalid("The workflow definition is not valid.", checker.problems)
