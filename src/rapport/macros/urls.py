"""Settings pages of canned responses and macros."""

from __future__ import annotations

from django.urls import path

from rapport.macros import views

urlpatterns = [
    path("settings/canned-responses", views.canned_list, name="settings-canned-responses"),
    path("settings/canned-responses/new", views.canned_new, name="settings-canned-response-new"),
    path(
        "settings/canned-responses/<int:response_id>",
        views.canned_edit,
        name="settings-canned-response",
    ),
    path(
        "settings/canned-responses/<int:response_id>/delete",
        views.canned_delete,
        name="settings-canned-response-delete",
    ),
    path("settings/macros", views.macro_list, name="settings-macros"),
    path("settings/macros/new", views.macro_new, name="settings-macro-new"),
    path("settings/macros/<int:macro_id>", views.macro_edit, name="settings-macro"),
    path("settings/macros/<int:macro_id>/delete", views.macro_delete, name="settings-macro-delete"),
]
