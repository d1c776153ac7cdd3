"""Settings pages of custom fields, under /settings/custom-fields."""

from __future__ import annotations

from django.urls import path

from rapport.customfields import views

urlpatterns = [
    path("settings/custom-fields", views.field_list, name="settings-custom-fields"),
    path("settings/custom-fields/new", views.field_new, name="settings-custom-field-new"),
    path("settings/custom-fields/<int:field_id>", views.field_edit, name="settings-custom-field"),
    path(
        "settings/custom-fields/<int:field_id>/move",
        views.field_move,
        name="settings-custom-field-move",
    ),
    path(
        "settings/custom-fields/<int:field_id>/delete",
        views.field_delete,
        name="settings-custom-field-delete",
    ),
]
