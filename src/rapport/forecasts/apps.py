"""Forecasts: quotas, the forecast of a month or quarter by rep and team, and its history."""

import datetime as dt

from django.apps import AppConfig

from rapport.core.pages import NavItem


class ForecastsConfig(AppConfig):
    name = "rapport.forecasts"
    label = "forecasts"
    nav_items = (NavItem("Forecast", "/forecast", "chart-bar", "forecast", 30),)

    def ready(self) -> None:
        from rapport.core.events import register_record_events
        from rapport.core.scheduler import register_schedule

        register_record_events("quota", "A quota", ("created", "updated", "deleted"))
        register_record_events("forecast", "A forecast override", ("created", "updated", "deleted"))
        register_schedule(
            "forecast-snapshots",
            "rapport.forecasts.services.take_forecast_snapshots",
            dt.timedelta(hours=6),
        )
