"""Settings pages of territories, under /settings/territories."""

from __future__ import annotations

from django.urls import path

from rapport.territories import views

urlpatterns = [
    path("settings/territories", views.territory_list, name="settings-territories"),
    path("settings/territories/order", views.territory_order, name="settings-territory-order"),
    path("settings/territories/test", views.territory_test, name="settings-territory-test"),
    path(
        "settings/territories/assignment/<str:kind>",
        views.assignment,
        name="settings-territory-assignment",
    ),
    path(
        "settings/territories/<int:territory_id>", views.territory_edit, name="settings-territory"
    ),
    path(
        "settings/territories/<int:territory_id>/active",
        views.territory_active,
        name="settings-territory-active",
    ),
    path(
        "settings/territories/<int:territory_id>/delete",
        views.territory_delete,
        name="settings-territory-delete",
    ),
]
