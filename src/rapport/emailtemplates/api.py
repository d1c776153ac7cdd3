"""/api/v1/email-templates: subjects and bodies with merge fields, and their previews."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest, HttpResponse
from ninja import Query, Router

from rapport.core.api_support import (
    ListParams,
    ListResponse,
    RecordId,
    expected_version,
    idempotent,
    json_response,
    no_content,
    page_body,
    principal_of,
    record_response,
    selected_fields,
)
from rapport.emailtemplates import queries, services
from rapport.emailtemplates.schemas import (
    EmailTemplateCreate,
    EmailTemplateRead,
    EmailTemplateUpdate,
    PreviewRecords,
    RenderedEmailRead,
    UnsavedPreview,
    email_template_body,
)

PREFIX = "/email-templates"
router = Router(tags=["email templates"])


@router.get("", response=ListResponse)
def list_email_templates(request: HttpRequest, params: Query[ListParams]) -> HttpResponse:
    fields = selected_fields(params.fields, EmailTemplateRead.model_fields)
    page = queries.list_email_templates(principal_of(request), params)
    return json_response(page_body(page, email_template_body, fields))


@router.post("", response={201: EmailTemplateRead})
def create_email_template(request: HttpRequest, payload: EmailTemplateCreate) -> HttpResponse:
    def write() -> HttpResponse:
        template = services.create_email_template(principal_of(request), **payload.model_dump())
        location = f"/api/v1{PREFIX}/{template.pk}"
        return record_response(template, email_template_body(template), 201, location)

    return idempotent(request, principal_of(request), write)


@router.post("/preview", response=RenderedEmailRead)
def preview_email(request: HttpRequest, payload: UnsavedPreview) -> HttpResponse:
    """Render a subject and body not saved yet (an editor's) with a real contact or company."""
    rendered = services.preview_email(principal_of(request), **payload.model_dump())
    return json_response(asdict(rendered))


@router.get("/{template_id}", response=EmailTemplateRead)
def get_email_template(request: HttpRequest, template_id: RecordId) -> HttpResponse:
    template = queries.get_email_template(principal_of(request), template_id)
    return record_response(template, email_template_body(template))


@router.patch("/{template_id}", response=EmailTemplateRead)
def update_email_template(
    request: HttpRequest, template_id: RecordId, payload: EmailTemplateUpdate
) -> HttpResponse:
    version = expected_version(request, template_id)
    changes = payload.model_dump(exclude_unset=True)
    template = services.update_email_template(principal_of(request), template_id, changes, version)
    return record_response(template, email_template_body(template))


@router.delete("/{template_id}", response={204: None})
def delete_email_template(request: HttpRequest, template_id: RecordId) -> HttpResponse:
    services.delete_email_template(principal_of(request), template_id)
    return no_content()


@router.post("/{template_id}/preview", response=RenderedEmailRead)
def preview_email_template(
    request: HttpRequest, template_id: RecordId, payload: PreviewRecords
) -> HttpResponse:
    """The saved template rendered with a real contact or company, as the caller may see them."""
    rendered = services.preview_email_template(
        principal_of(request), template_id, **payload.model_dump()
    )
    return json_response(asdict(rendered))
