"""Pages of contacts."""

from __future__ import annotations

from django.urls import path

from rapport.contacts import views

urlpatterns = [
    path("contacts", views.contact_list, name="contact-list"),
    path("contacts/new", views.contact_new, name="contact-new"),
    path("contacts/duplicates", views.contact_duplicates, name="contact-duplicates"),
    path("contacts/bulk", views.contact_bulk, name="contact-bulk"),
    path("contacts/<int:contact_id>", views.contact_detail, name="contact-detail"),
    path("contacts/<int:contact_id>/history", views.contact_history, name="contact-history"),
    path("contacts/<int:contact_id>/delete", views.contact_delete, name="contact-delete"),
    path("contacts/<int:contact_id>/fields/<str:name>", views.contact_field, name="contact-field"),
    path(
        "contacts/<int:contact_id>/fields/<str:name>/edit",
        views.contact_field_edit,
        name="contact-field-edit",
    ),
]
