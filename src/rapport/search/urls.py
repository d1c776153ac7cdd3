"""Pages of the global search."""

from __future__ import annotations

from django.urls import path

from rapport.search import views

urlpatterns = [
    path("search", views.search_page, name="search"),
    path("search/results", views.search_results, name="search-results"),
]
