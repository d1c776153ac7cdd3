"""Pages for signing in and out, and the minimal home page."""

from __future__ import annotations

from django.urls import path

from rapport.workspaces import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
]
