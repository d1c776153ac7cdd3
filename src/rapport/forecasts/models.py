"""Quota, ForecastOverride and ForecastSnapshot: targets, managers' calls and daily history."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from rapport.core.tenancy import WorkspaceScoped


class Quota(WorkspaceScoped):
    """What a user should close in one month, in the base currency (a quarter sums its months)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the first day of the month
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "quota"

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "user", "month"], name="quota_unique")
        ]

    def __str__(self) -> str:
        return f"quota of user {self.user_id} for {self.month:%Y-%m}"


class ForecastOverride(WorkspaceScoped):
    """A manager's own figure for a rep's commit in a period, with the reason; the roll-up
    shows it beside the rep's."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    period_kind = models.CharField(max_length=7)  # month, quarter
    period_start = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2)
    note = models.CharField(max_length=500)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    OWNER_FIELD = None
    OBJECT_TYPE = "forecast"

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "user", "period_kind", "period_start"],
                name="forecastoverride_unique",
            )
        ]

    def __str__(self) -> str:
        return f"override for user {self.user_id}"


class ForecastSnapshot(WorkspaceScoped):
    """One rep's forecast figures for one period as they stood on `taken_on` (written daily by
    the scheduler, so any earlier day's forecast can be shown as it was)."""

    taken_on = models.DateField()
    period_kind = models.CharField(max_length=7)
    period_start = models.DateField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    figures = models.JSONField()  # {name: "decimal string" | int | None}, see queries.Figures
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "period_kind", "period_start", "user", "taken_on"],
                name="forecastsnapshot_unique",
            )
        ]
        indexes = [
            models.Index(fields=["workspace", "period_kind", "period_start", "taken_on"]),
        ]

    def __str__(self) -> str:
        return f"forecast of user {self.user_id} on {self.taken_on}"
