"""Pages of companies."""

from __future__ import annotations

from django.urls import path

from rapport.companies import views

urlpatterns = [
    path("companies", views.company_list, name="company-list"),
    path("companies/new", views.company_new, name="company-new"),
    path("companies/duplicates", views.company_duplicates, name="company-duplicates"),
    path("companies/options", views.company_options, name="company-options"),
    path("companies/bulk", views.company_bulk, name="company-bulk"),
    path("companies/<int:company_id>", views.company_detail, name="company-detail"),
    path("companies/<int:company_id>/history", views.company_history, name="company-history"),
    path("companies/<int:company_id>/delete", views.company_delete, name="company-delete"),
    path("companies/<int:company_id>/fields/<str:name>", views.company_field, name="company-field"),
    path(
        "companies/<int:company_id>/fields/<str:name>/edit",
        views.company_field_edit,
        name="company-field-edit",
    ),
]
