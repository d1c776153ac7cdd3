"""URL map: the API under /api/v1, pages from each app."""

from __future__ import annotations

from django.urls import include, path

from rapport.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("rapport.workspaces.urls")),
]
