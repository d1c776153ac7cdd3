"""What each workflow step does, through the services of the records it changes.

Every action takes a `StepContext` and its step and returns an `Outcome`: what it did (kept in
the run history) or, in a dry run (`ctx.dry_run`), what it would do, having changed nothing.
Actions raise `rapport.core.errors` errors for problems retrying cannot fix (a value the
record's service refuses, a record since deleted) and OSError for ones it may (a URL down).
"""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q

from rapport.activities import services as activity_services
from rapport.automation import definitions as d
from rapport.automation.assignment import choose_owner, remember_turn, user_name
from rapport.automation.conditions import record_matches
from rapport.automation.models import Workflow, WorkflowRun
from rapport.automation.outbound import post_json
from rapport.automation.record_types import RecordType
from rapport.companies import services as company_services
from rapport.contacts import services as contact_services
from rapport.core.audit import jsonable
from rapport.core.errors import Invalid, NotFound
from rapport.core.jobs import enqueue_on_commit
from rapport.core.permissions import Principal
from rapport.customfields.queries import PREFIX
from rapport.deals import services as deal_services
from rapport.notifications.services import notify
from rapport.tickets import services as ticket_services
from rapport.workspaces.models import Workspace

NOTE_LENGTH = 300  # contacts.Contact.last_assignment, deals.Deal.last_assignment


@dataclass
class StepContext:
    run: WorkflowRun
    workflow: Workflow
    principal: Principal
    kind: RecordType | None
    now: dt.datetime
    dry_run: bool = False
    _record: Any = field(default=None, repr=False)

    @property
    def record(self) -> Any:
        """The run's record as it is now, read through the permission policy."""
        if self._record is None and self.kind is not None and self.run.object_id is not None:
            self._record = self.kind.queryset(self.principal).filter(pk=self.run.object_id).first()
            if self._record is None:
                raise NotFound(f"The {self.kind.object_type} is gone (deleted or moved).")
        return self._record

    def forget_record(self) -> None:
        self._record = None


@dataclass(frozen=True)
class Outcome:
    summary: str
    output: dict[str, Any] = field(default_factory=dict)
    wake_at: dt.datetime | None = None  # a wait: continue from here at this time
    branch: str | None = None  # a branch: "then" or "else"


def _value_of(record: Any, name: str) -> Any:
    if name.startswith(PREFIX):
        return (record.custom or {}).get(name.removeprefix(PREFIX))
    return getattr(record, name, None)


def update_field(ctx: StepContext, step: d.UpdateField) -> Outcome:
    assert ctx.kind is not None
    before = _value_of(ctx.record, step.field)
    output = {"field": step.field, "before": jsonable(before), "after": step.value}
    if ctx.dry_run:
        return Outcome(f"Would set {step.field} to {step.value!r} (now {before!r}).", output)
    if step.field.startswith(PREFIX):
        data: dict[str, Any] = {"custom": {step.field.removeprefix(PREFIX): step.value}}
    else:
        data = {step.field: step.value}
    ctx.kind.update(ctx.principal, ctx.record.pk, data)
    ctx.forget_record()
    return Outcome(f"Set {step.field} to {step.value!r}.", output)


def assign_owner(ctx: StepContext, step: d.AssignOwner) -> Outcome:
    """Through the record's update service, with the note saying why (contacts and deals keep
    it as `last_assignment`); see automation.assignment for who is chosen."""
    assert ctx.kind is not None
    record = ctx.record
    choice = choose_owner(ctx, step)
    owner_field = ctx.kind.owner_field
    output = {owner_field: choice.user_id, "before": ctx.kind.owner_of(record), **choice.output()}
    why = "; ".join(choice.reasons)
    if choice.user_id is None:
        return Outcome(
            f"{'Would leave' if ctx.dry_run else 'Left'} the owner as is: {why}.", output
        )
    who = user_name(choice.user_id)
    if ctx.dry_run:
        return Outcome(f"Would assign the record to {who}: {why}.", output)
    data: dict[str, Any] = {owner_field: choice.user_id}
    if ctx.kind.has_assignment_note:
        data["last_assignment"] = choice.note[:NOTE_LENGTH]
    ctx.kind.update(ctx.principal, record.pk, data)
    remember_turn(ctx, step, choice)
    ctx.forget_record()
    return Outcome(f"Assigned the record to {who}: {why}.", output)


def change_tag(ctx: StepContext, step: d.TagStep) -> Outcome:
    assert ctx.kind is not None
    adding = step.type == "add_tag"
    verb = "add" if adding else "remove"
    if ctx.dry_run:
        return Outcome(f"Would {verb} the tag {step.tag!r}.", {"tag": step.tag})
    bulk = {
        "contact": contact_services.bulk_tag_contacts,
        "company": company_services.bulk_tag_companies,
        "deal": deal_services.bulk_tag_deals,
        "ticket": _tag_ticket,
    }.get(ctx.kind.object_type)
    if bulk is None:
        raise Invalid.on("type", f"{ctx.kind.label} records have no tags.")
    bulk(ctx.principal, [ctx.record.pk], **({"add": step.tag} if adding else {"remove": step.tag}))
    ctx.forget_record()
    return Outcome(f"{'Added' if adding else 'Removed'} the tag {step.tag!r}.", {"tag": step.tag})


def _tag_ticket(principal: Any, ticket_ids: list[int], add: str = "", remove: str = "") -> int:
    change = {"add_tags": [add]} if add else {"remove_tags": [remove]}
    return ticket_services.bulk_update_tickets(principal, ticket_ids, change)


def _owner(ctx: StepContext) -> int | None:
    """The user the run's record belongs to (a ticket's assignee), if any."""
    if ctx.kind is None or ctx.record is None:
        return None
    return ctx.kind.owner_of(ctx.record)


def _links(ctx: StepContext) -> dict[str, Any]:
    """contact_id / company_id / deal_id for an activity a step creates about the run's record."""
    assert ctx.kind is not None
    record = ctx.record
    if ctx.kind.object_type in ("contact", "company", "deal"):
        return {f"{ctx.kind.object_type}_id": record.pk}
    if ctx.kind.object_type == "ticket":  # on the requester's timeline (else the company's)
        if record.requester_id is not None:
            return {"contact_id": record.requester_id}
        return {"company_id": record.company_id}
    return {
        "contact_id": record.contact_id,
        "company_id": record.company_id,
        "deal_id": record.deal_id,
    }


def create_task(ctx: StepContext, step: d.CreateTask) -> Outcome:
    assignee = _owner(ctx) if step.assignee == "owner" else step.assignee
    due_at = ctx.now + dt.timedelta(days=step.due_in_days)
    fields = {
        **_links(ctx),
        "subject": step.subject,
        "body": step.body,
        "due_at": due_at,
        "assignee_id": assignee,
        "priority": step.priority,
        "owner_id": assignee,
    }
    if ctx.dry_run:
        return Outcome(f"Would create the task {step.subject!r} due {due_at:%Y-%m-%d}.", {})
    task = activity_services.create_activity(ctx.principal, "task", fields)
    return Outcome(f"Created the task {step.subject!r}.", {"activity_id": task.pk})


def create_activity(ctx: StepContext, step: d.CreateActivity) -> Outcome:
    fields = {**_links(ctx), "subject": step.subject, "body": step.body, "occurred_at": ctx.now}
    fields["owner_id"] = _owner(ctx)
    if ctx.dry_run:
        return Outcome(f"Would log a {step.kind} {step.subject!r}.", {})
    activity = activity_services.create_activity(ctx.principal, step.kind, fields)
    return Outcome(f"Logged a {step.kind}.", {"activity_id": activity.pk})


def _recipients(ctx: StepContext, step: d.Notify) -> list[int]:
    if step.recipients == "owner":
        owner = _owner(ctx)
        return [owner] if owner else []
    return list(step.recipients)


def notify_users(ctx: StepContext, step: d.Notify) -> Outcome:
    users = _recipients(ctx, step)
    if ctx.dry_run:
        return Outcome(f"Would notify users {users}: {step.title!r}.", {"user_ids": users})
    object_type = ctx.kind.object_type if ctx.kind and ctx.run.object_id else ""
    sent = notify(
        ctx.principal, users, "workflow", step.title, step.body, object_type, ctx.run.object_id
    )
    return Outcome(f"Notified {sent} user(s).", {"user_ids": users, "notified": sent})


def create_record(ctx: StepContext, step: d.CreateRecord) -> Outcome:
    assert ctx.kind is not None
    record = ctx.record
    if ctx.dry_run:
        return Outcome(f"Would create a {step.object_type} with {step.fields}.", {})
    fields = {"owner_id": record.owner_id, **step.fields}
    if step.object_type == "deal":
        return _create_deal(ctx, fields)
    if step.object_type == "company":
        company = company_services.create_company(ctx.principal, fields)
        contact_services.update_contact(ctx.principal, record.pk, {"company_id": company.pk})
        ctx.forget_record()
        return Outcome(f"Created the company {company.name!r}.", {"company_id": company.pk})
    contact = contact_services.create_contact(ctx.principal, {**fields, "company_id": record.pk})
    return Outcome(f"Created the contact {contact}.", {"contact_id": contact.pk})


def _create_deal(ctx: StepContext, fields: dict[str, Any]) -> Outcome:
    """A deal for the run's contact (its primary contact, at its company) or company."""
    assert ctx.kind is not None
    record = ctx.record
    links: dict[str, Any]
    if ctx.kind.object_type == "contact":
        links = {"contacts": [{"contact_id": record.pk, "is_primary": True}]}
        links["company_id"] = record.company_id
    else:
        links = {"company_id": record.pk}
    deal = deal_services.create_deal(ctx.principal, {**links, **fields})
    return Outcome(f"Created the deal {deal.name!r}.", {"deal_id": deal.pk})


def _record_json(ctx: StepContext) -> dict[str, Any] | None:
    if ctx.kind is None or ctx.run.object_id is None:
        return None
    values = ctx.kind.queryset(ctx.principal).filter(pk=ctx.run.object_id).values().first()
    return jsonable(values) if values else None


def http_post(ctx: StepContext, step: d.HttpPost) -> Outcome:
    body = {
        "workflow": {"id": ctx.workflow.pk, "name": ctx.workflow.name},
        "run_id": ctx.run.pk,
        "step_id": step.id,
        "trigger": ctx.run.trigger,
        "object_type": ctx.run.object_type or None,
        "record": _record_json(ctx),
    }
    if ctx.dry_run:
        return Outcome(f"Would POST {len(json.dumps(body))} bytes of JSON to {step.url}.", {})
    key = f"run-{ctx.run.pk}-step-{step.id}"
    raw = json.dumps(body, separators=(",", ":")).encode()
    reply = post_json(step.url, raw, ctx.workflow.hook_secret, step.timeout_seconds, key)
    return Outcome(
        f"{step.url} answered {reply.status}.", {"status": reply.status, "body": reply.body}
    )


def _local_time(ctx: StepContext, on: dt.date, at: str) -> dt.datetime:
    tz_name = Workspace.objects.values_list("time_zone", flat=True).get(
        pk=ctx.principal.workspace_id
    )
    hour, minute = (int(part) for part in at.split(":"))
    local = dt.datetime.combine(on, dt.time(hour, minute), zoneinfo.ZoneInfo(tz_name or "UTC"))
    return local.astimezone(dt.UTC)


def wait(ctx: StepContext, step: d.Wait) -> Outcome:
    if step.until_field is None:
        until = ctx.now + dt.timedelta(days=step.days, hours=step.hours, minutes=step.minutes)
    else:
        value = _value_of(ctx.record, step.until_field)
        if value in (None, ""):
            return Outcome(f"{step.until_field} is empty: no wait.", {"until": None})
        day = (
            value.date()
            if isinstance(value, dt.datetime)
            else dt.date.fromisoformat(str(value)[:10])
        )
        until = _local_time(ctx, day + dt.timedelta(days=step.offset_days), step.at)
    verb = "Would wait" if ctx.dry_run else "Waiting"
    if until <= ctx.now:
        return Outcome(
            f"{until:%Y-%m-%d %H:%M} UTC has passed: no wait.", {"until": until.isoformat()}
        )
    return Outcome(
        f"{verb} until {until:%Y-%m-%d %H:%M} UTC.", {"until": until.isoformat()}, wake_at=until
    )


def branch(ctx: StepContext, step: d.Branch) -> Outcome:
    chosen = "else"
    if ctx.kind is not None and ctx.run.object_id is not None:
        matched = record_matches(ctx.principal, ctx.kind, step.condition, ctx.run.object_id)
        chosen = "then" if matched else "else"
    return Outcome(
        f"The condition {'holds' if chosen == 'then' else 'does not hold'}.",
        {"branch": chosen},
        branch=chosen,
    )


def find_email_template(workspace_id: int, template_id: int) -> Any:
    from rapport.emailtemplates.models import EmailTemplate

    return EmailTemplate.objects.filter(
        workspace_id=workspace_id, pk=template_id, deleted_at__isnull=True
    ).first()


def send_email(ctx: StepContext, step: d.SendEmail) -> Outcome:
    from rapport.automation.emails import compose_email

    message = compose_email(ctx, step)
    if ctx.dry_run:
        return Outcome(f"Would email {message['to']}: {message['subject']!r}.", message)
    if step.to == "contact":  # on the contact's timeline, like an email a person sent
        activity_services.create_activity(
            ctx.principal,
            "email",
            {"contact_id": ctx.record.pk, "subject": message["subject"][:200],
             "body": message["body"], "direction": "outbound", "occurred_at": ctx.now},
        )  # fmt: skip
    enqueue_on_commit("rapport.automation.jobs.send_workflow_email", ctx.run.pk, step.id, message)
    return Outcome(f"Emailed {message['to']}: {message['subject']!r}.", message)


ACTIONS: dict[str, Callable[[StepContext, Any], Outcome]] = {
    "update_field": update_field,
    "assign_owner": assign_owner,
    "add_tag": change_tag,
    "remove_tag": change_tag,
    "create_task": create_task,
    "create_activity": create_activity,
    "send_email": send_email,
    "notify": notify_users,
    "create_record": create_record,
    "http_post": http_post,
    "wait": wait,
    "branch": branch,
}
# Steps that reach outside the database: run outside the step's transaction, so no lock is
# held while they wait on the network; at least once (see outbound.py's Idempotency-Key).
EXTERNAL = {"http_post"}


def perform(ctx: StepContext, step: Any) -> Outcome:
    return ACTIONS[step.type](ctx, step)


__all__ = ["ACTIONS", "EXTERNAL", "Outcome", "Q", "StepContext", "perform"]
