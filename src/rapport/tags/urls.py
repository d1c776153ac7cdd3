"""Settings pages of tags, under /settings/tags."""

from __future__ import annotations

from django.urls import path

from rapport.tags import views

urlpatterns = [
    path("settings/tags", views.tag_list, name="settings-tags"),
    path("settings/tags/<int:tag_id>", views.tag_edit, name="settings-tag"),
    path("settings/tags/<int:tag_id>/delete", views.tag_delete, name="settings-tag-delete"),
]
