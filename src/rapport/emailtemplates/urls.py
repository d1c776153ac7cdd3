"""Settings pages of email templates, under /settings/email-templates."""

from __future__ import annotations

from django.urls import path

from rapport.emailtemplates import views

urlpatterns = [
    path("settings/email-templates", views.template_list, name="settings-email-templates"),
    path("settings/email-templates/new", views.template_new, name="settings-email-template-new"),
    path(
        "settings/email-templates/preview",
        views.template_preview,
        name="settings-email-template-preview",
    ),
    path(
        "settings/email-templates/contact-options",
        views.contact_options,
        name="settings-email-template-contacts",
    ),
    path(
        "settings/email-templates/<int:template_id>",
        views.template_edit,
        name="settings-email-template",
    ),
    path(
        "settings/email-templates/<int:template_id>/delete",
        views.template_delete,
        name="settings-email-template-delete",
    ),
]
