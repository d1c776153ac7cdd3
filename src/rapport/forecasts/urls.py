"""The forecast and quota pages."""

from django.urls import path

from rapport.forecasts import views

urlpatterns = [
    path("forecast", views.forecast_page, name="forecast"),
    path("forecast/override", views.override, name="forecast-override"),
    path("settings/quotas", views.quotas_page, name="settings-quotas"),
]
