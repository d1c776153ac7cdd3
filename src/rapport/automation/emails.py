"""A workflow's emails: rendered from an email template when the step runs, sent by a job.

Merge fields are filled as the workflow's owner may see the record (their role's rights), so a
workflow cannot mail out what its owner could not read. An email to the contact is also logged
on its timeline, in the step's transaction (once). Sending happens in a job after commit; the
job queue runs each job at most once, so a crash may lose an email but never sends it twice.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from rapport.automation import definitions as d
from rapport.companies.models import Company
from rapport.contacts.models import Contact
from rapport.core.errors import Invalid
from rapport.core.permissions import Principal
from rapport.emailtemplates.queries import merge_context
from rapport.emailtemplates.rendering import render_email
from rapport.workspaces.models import User
from rapport.workspaces.queries import find_membership, principal_for


def _reader(ctx: Any) -> Principal:
    """Whose rights fill the merge fields: the workflow owner's while they are a member."""
    owner_id = ctx.workflow.owner_id
    membership = find_membership(owner_id, ctx.principal.workspace_id) if owner_id else None
    if membership is None or not membership.is_active:
        return ctx.principal
    return principal_for(membership.user, ctx.principal.workspace_id)


def _contact_of(ctx: Any) -> Contact | None:
    """The contact an email "to the contact" goes to: the record, or a deal's primary contact."""
    kind = ctx.kind.object_type if ctx.kind else ""
    if kind == "contact":
        return ctx.record
    if kind == "ticket":
        requester = ctx.record.requester
        return requester if requester is not None and requester.deleted_at is None else None
    if kind == "deal":
        link = ctx.record.deal_contacts.filter(is_primary=True).select_related("contact").first()
        if link is not None and link.contact.deleted_at is None:
            return link.contact
    return None


def _recipient(ctx: Any, step: d.SendEmail) -> tuple[str, User | None]:
    record = ctx.record
    if step.to == "contact":
        contact = _contact_of(ctx)
        email = contact.primary_email if contact is not None else ""
        if not email:
            raise Invalid.on("to", "The contact has no email address.")
        return email, None
    owner = ctx.kind.owner_of(record) if ctx.kind is not None else None
    user_id = step.user_id if step.to == "user" else owner
    user = User.objects.filter(pk=user_id, is_active=True).first() if user_id else None
    if user is None:
        raise Invalid.on("to", "There is no active user to send to.")
    return user.email, user


def compose_email(ctx: Any, step: d.SendEmail) -> dict[str, Any]:
    from rapport.automation.actions import find_email_template

    template = find_email_template(ctx.principal.workspace_id, step.template_id)
    if template is None:
        raise Invalid.on("template_id", "The email template was deleted.")
    to, user = _recipient(ctx, step)
    kind = ctx.kind.object_type if ctx.kind else ""
    record = ctx.record if ctx.kind else None
    company = record if kind == "company" else None
    if kind in ("deal", "ticket") and record is not None and record.company_id is not None:
        company = Company.objects.filter(pk=record.company_id, deleted_at__isnull=True).first()
    context = merge_context(_reader(ctx), contact=_contact_of(ctx), company=company, user=user)
    rendered = render_email(template, context)
    return {"to": to, "subject": rendered.subject, "body": rendered.body}


def deliver_workflow_email(run_id: int, step_id: str, message: dict[str, Any]) -> None:
    send_mail(message["subject"], message["body"], settings.DEFAULT_FROM_EMAIL, [message["to"]])
