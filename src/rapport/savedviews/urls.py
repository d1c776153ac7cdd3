"""Pages that save, update and delete list views."""

from __future__ import annotations

from django.urls import path

from rapport.savedviews import views

urlpatterns = [
    path("saved-views", views.create_view, name="saved-view-create"),
    path("saved-views/<int:view_id>", views.update_view, name="saved-view-update"),
    path("saved-views/<int:view_id>/delete", views.delete_view, name="saved-view-delete"),
]
