"""Writes about email templates (create, update, delete), and previews with a real record.

Every write needs that action on "email_template" (owner, admin, manager and marketer by
default) and checks the subject and body as templates, so a template that cannot render is
refused with the field and line. Previews live here beside the writes because the editor's
preview of unsaved text runs the very same checks.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from rapport.companies.queries import get_company
from rapport.contacts.queries import get_contact
from rapport.core.audit import diff, record_change
from rapport.core.errors import Conflict, FieldError, Invalid, NotFound
from rapport.core.lifecycle import check_version
from rapport.core.permissions import Principal, require
from rapport.emailtemplates.models import EmailTemplate
from rapport.emailtemplates.queries import get_email_template, merge_context
from rapport.emailtemplates.rendering import (
    EmailContent,
    RenderedEmail,
    check_template,
    render_email,
)
from rapport.workspaces.models import User

OBJECT_TYPE = "email_template"
MAX_NAME = 100
MAX_DESCRIPTION = 500
MAX_SUBJECT = 200
MAX_BODY = 20_000
FIELDS = ("name", "description", "subject", "body")


def _snapshot(template: EmailTemplate) -> dict[str, Any]:
    return {name: getattr(template, name) for name in FIELDS}


# --- Validation ---------------------------------------------------------------------------------


def _text(value: Any, name: str, limit: int, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else None
    if text is None or len(text) > limit or (required and not text):
        least = 1 if required else 0
        raise Invalid.on(name, f"The {name} has {least} to {limit:,} characters.")
    if "\x00" in text:  # PostgreSQL text cannot store it
        raise Invalid.on(name, f"The {name} cannot contain a NUL character.")
    return text


def _clean_one(name: str, value: Any) -> str:
    if name == "name":
        return _text(value, "name", MAX_NAME, required=True)
    if name == "description":
        return _text(value, "description", MAX_DESCRIPTION, required=False)
    text = _text(value, name, MAX_SUBJECT if name == "subject" else MAX_BODY, required=True)
    check_template(name, text)
    return text


def _clean(changes: dict[str, Any]) -> dict[str, str]:
    """The changes validated and trimmed; every field's problems are reported at once."""
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise Invalid.on(unknown[0], "Unknown or read-only field.")
    cleaned: dict[str, str] = {}
    problems: list[FieldError] = []
    for name, value in changes.items():
        try:
            cleaned[name] = _clean_one(name, value)
        except Invalid as exc:
            problems.extend(exc.errors)
    if problems:
        raise Invalid(problems[0].msg, problems)
    return cleaned


# --- Writes -------------------------------------------------------------------------------------


def _save(template: EmailTemplate) -> None:
    try:
        with transaction.atomic():
            template.save()
    except IntegrityError as exc:
        raise Conflict(f"An email template named {template.name!r} already exists.") from exc


def _locked(principal: Principal, template_id: int) -> EmailTemplate:
    template = (
        EmailTemplate.objects.select_for_update()
        .filter(workspace_id=principal.workspace_id, pk=template_id, deleted_at__isnull=True)
        .first()
    )
    if template is None:
        raise NotFound("email template not found")
    return template


@transaction.atomic
def create_email_template(
    principal: Principal, *, name: str, subject: str, body: str, description: str = ""
) -> EmailTemplate:
    require(principal, "create", OBJECT_TYPE)
    fields = _clean({"name": name, "description": description, "subject": subject, "body": body})
    template = EmailTemplate(
        workspace_id=principal.workspace_id, created_by_id=principal.user_id, **fields
    )
    _save(template)
    record_change(principal, "create", OBJECT_TYPE, template, _snapshot(template))
    return template


@transaction.atomic
def update_email_template(
    principal: Principal,
    template_id: int,
    changes: dict[str, Any],
    expected_version: int | None = None,
) -> EmailTemplate:
    template = _locked(principal, template_id)
    require(principal, "edit", OBJECT_TYPE, template)
    check_version(template, expected_version)
    fields = _clean(changes)
    before = _snapshot(template)
    for name, value in fields.items():
        setattr(template, name, value)
    template.version += 1
    template.updated_at = timezone.now()
    _save(template)
    record_change(principal, "update", OBJECT_TYPE, template, diff(before, _snapshot(template)))
    return template


@transaction.atomic
def delete_email_template(principal: Principal, template_id: int) -> None:
    """Mark deleted: it leaves every list, its name is free again, workflows see it is gone."""
    template = _locked(principal, template_id)
    require(principal, "delete", OBJECT_TYPE, template)
    template.deleted_at = timezone.now()
    template.version += 1
    template.save(update_fields=["deleted_at", "version"])
    record_change(principal, "delete", OBJECT_TYPE, template, _snapshot(template))


# --- Previews -----------------------------------------------------------------------------------


def _preview_context(
    principal: Principal, contact_id: int | None, company_id: int | None
) -> dict[str, Any]:
    """The merge data of the chosen records (NotFound if not visible), the previewer as user."""
    contact = get_contact(principal, contact_id) if contact_id is not None else None
    company = get_company(principal, company_id) if company_id is not None else None
    user = User.objects.filter(pk=principal.user_id).first() if principal.user_id else None
    return merge_context(principal, contact=contact, company=company, user=user)


def preview_email_template(
    principal: Principal,
    template_id: int,
    contact_id: int | None = None,
    company_id: int | None = None,
) -> RenderedEmail:
    """A saved template rendered for a real contact and/or company, as the principal sees them."""
    template = get_email_template(principal, template_id)
    return render_email(template, _preview_context(principal, contact_id, company_id))


def preview_email(
    principal: Principal,
    subject: Any,
    body: Any,
    contact_id: int | None = None,
    company_id: int | None = None,
) -> RenderedEmail:
    """Unsaved text (the editor's) checked as a save would, then rendered like a saved one."""
    require(principal, "view", OBJECT_TYPE)
    fields = _clean({"subject": subject, "body": body})
    content = EmailContent(fields["subject"], fields["body"])
    return render_email(content, _preview_context(principal, contact_id, company_id))
