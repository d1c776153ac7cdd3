"""Settings pages of currencies, under /settings/currencies."""

from __future__ import annotations

from django.urls import path

from rapport.currencies import views

urlpatterns = [
    path("settings/currencies", views.currencies_page, name="settings-currencies"),
    path("settings/currencies/base", views.base_change, name="settings-currencies-base"),
    path("settings/currencies/import", views.rate_import, name="settings-currencies-import"),
    path("settings/currencies/rates", views.rate_rows, name="settings-currencies-rates"),
    path("settings/currencies/rates/new", views.rate_create, name="settings-currencies-rate-new"),
    path("settings/currencies/rates/<int:rate_id>", views.rate_edit, name="settings-currency-rate"),
    path(
        "settings/currencies/rates/<int:rate_id>/delete",
        views.rate_delete,
        name="settings-currency-rate-delete",
    ),
]
