"""The lead inbox and lead conversion pages."""

from django.urls import path

from rapport.leads import views

urlpatterns = [
    path("leads", views.inbox, name="leads"),
    path("leads/<int:contact_id>/status", views.set_status, name="lead-status"),
    path("contacts/<int:contact_id>/convert", views.convert, name="lead-convert"),
    path("lead-conversions/<int:conversion_id>", views.conversion_page, name="lead-conversion"),
    path("lead-conversions/<int:conversion_id>/undo", views.undo, name="lead-conversion-undo"),
]
