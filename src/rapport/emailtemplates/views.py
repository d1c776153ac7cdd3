"""Settings > Email templates: list, create and edit with a live preview, delete.

Thin: EmailTemplateForm parses, emailtemplates.services decides and renders previews (with a
real contact the member picks); the list reads through the same keyset query as
GET /api/v1/email-templates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rapport.core.api_support import ListParams
from rapport.core.errors import Conflict, Invalid, NotFound, PreconditionFailed
from rapport.core.pages import add_service_errors, page_principal, render_partial
from rapport.core.permissions import Principal, can, require
from rapport.emailtemplates import queries, services
from rapport.emailtemplates.forms import EmailTemplateForm
from rapport.emailtemplates.models import EmailTemplate
from rapport.workspaces.auth import member_required
from rapport.workspaces.pages.sections import render_settings

URL = "/settings/email-templates"
OBJECT_TYPE = "email_template"
PAGE_SIZE = 100
EDITOR = "settings/email_template.html"
# Sent after new contact choices are swapped in, so the preview follows the first of them.
OPTIONS_LOADED = "contact-options-loaded"


@require_GET
@member_required
def template_list(request: HttpRequest) -> HttpResponse:
    """The workspace's email templates by name."""
    principal = page_principal(request)
    require(principal, "view", OBJECT_TYPE)
    cursor = request.GET.get("cursor") or None
    params = ListParams(filter=[], sort="name", limit=PAGE_SIZE, cursor=cursor, fields=None)
    context = {
        "page": queries.list_email_templates(principal, params),
        "is_first_page": cursor is None,
        "can_create": can(principal, "create", OBJECT_TYPE),
        "can_delete": can(principal, "delete", OBJECT_TYPE),
    }
    return render_settings(request, "settings/email_templates.html", context)


def _posted_id(request: HttpRequest, name: str) -> int | None:
    raw = request.POST.get(name, "")
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def _preview(
    principal: Principal, subject: str, body: str, contact_id: int | None
) -> dict[str, Any]:
    """The preview panel's context: the rendered email, or why it cannot be rendered."""
    if not subject.strip() and not body.strip():
        return {"preview": None}
    try:
        rendered = services.preview_email(principal, subject, body, contact_id)
    except Invalid as exc:
        problems = [f"{str(e.loc[0]).capitalize()}: {e.msg}" for e in exc.errors] or [exc.detail]
        return {"preview_problems": problems}
    except NotFound:
        return {"preview_problems": ["That contact is not available; choose another."]}
    return {"preview": rendered}


def _editor(
    request: HttpRequest, form: EmailTemplateForm, template: EmailTemplate | None, status: int = 200
) -> HttpResponse:
    """The editor page: the form, the merge field help and the preview of what the form holds."""
    principal = page_principal(request)
    can_save = can(principal, "edit" if template else "create", OBJECT_TYPE)
    if not can_save:
        form.make_read_only()
    contacts = queries.preview_contacts(principal)
    ids = [contact.id for contact in contacts]
    posted = _posted_id(request, "contact_id")  # kept while it is among the choices shown
    contact_id = posted if posted in ids else (ids[0] if ids else None)
    values = form.data if form.is_bound else form.initial
    context = {
        "form": form,
        "template": template,
        "can_save": can_save,
        "can_delete": template is not None and can(principal, "delete", OBJECT_TYPE),
        "merge_fields": queries.merge_field_help(principal),
        "contacts": contacts,
        "contact_id": contact_id,
        **_preview(principal, values.get("subject", ""), values.get("body", ""), contact_id),
    }
    return render_settings(request, EDITOR, context, status)


@require_http_methods(["GET", "POST"])
@member_required
def template_new(request: HttpRequest) -> HttpResponse:
    principal = page_principal(request)
    require(principal, "create", OBJECT_TYPE)
    form = EmailTemplateForm(request.POST or None)
    if request.method != "POST":
        return _editor(request, form, None)
    if not form.is_valid():
        return _editor(request, form, None, 422)
    try:
        template = services.create_email_template(principal, **form.cleaned_data)
    except Invalid as exc:
        add_service_errors(form, exc)
        return _editor(request, form, None, 422)
    except Conflict as exc:
        form.add_error("name", exc.detail)
        return _editor(request, form, None, 409)
    messages.success(request, f"Email template {template.name} created.")
    return redirect(URL)


def _initial(template: EmailTemplate) -> dict[str, str]:
    return {name: getattr(template, name) for name in services.FIELDS}


@require_http_methods(["GET", "POST"])
@member_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """The editor of one template; read-only (with its preview) for roles that may not edit."""
    principal = page_principal(request)
    template = queries.get_email_template(principal, template_id)
    form = EmailTemplateForm(request.POST or None, initial=_initial(template))
    if request.method != "POST":
        return _editor(request, form, template)
    status = 422
    try:
        if form.is_valid():
            version = _posted_id(request, "version")
            services.update_email_template(principal, template_id, form.cleaned_data, version)
            messages.success(request, f"Email template {form.cleaned_data['name']} saved.")
            return redirect(URL)
    except Invalid as exc:
        add_service_errors(form, exc)
    except Conflict as exc:
        form.add_error("name", exc.detail)
        status = 409
    except PreconditionFailed:
        form.add_error(None, "Someone changed this template meanwhile; reload it and try again.")
        status = 409
    return _editor(request, form, template, status)


@require_http_methods(["GET", "POST"])
@member_required
def template_delete(request: HttpRequest, template_id: int) -> HttpResponse:
    """GET: asked before deleting; POST: delete."""
    principal = page_principal(request)
    template = queries.get_email_template(principal, template_id)
    if request.method == "POST":
        services.delete_email_template(principal, template_id)
        messages.success(request, f"Email template {template.name} deleted.")
        return redirect(URL)
    require(principal, "delete", OBJECT_TYPE, template)
    return render_settings(request, "settings/email_template_delete.html", {"template": template})


@require_POST
@member_required
def template_preview(request: HttpRequest) -> HttpResponse:
    """The editor's preview panel for what is typed now (htmx); nothing is saved."""
    principal = page_principal(request)
    post = request.POST
    context = _preview(
        principal, post.get("subject", ""), post.get("body", ""), _posted_id(request, "contact_id")
    )
    return render_partial(request, f"{EDITOR}#preview", context)


@require_GET
@member_required
def contact_options(request: HttpRequest) -> HttpResponse:
    """The preview's contact choices matching the typed text (htmx), the first one selected."""
    principal = page_principal(request)
    q = request.GET.get("q", "").strip()[:200]
    contacts = queries.preview_contacts(principal, q)
    context = {"contacts": contacts, "contact_id": contacts[0].id if contacts else None}
    response = render_partial(request, f"{EDITOR}#contact_options", context)
    if contacts:
        response["HX-Trigger-After-Swap"] = OPTIONS_LOADED
    return response
