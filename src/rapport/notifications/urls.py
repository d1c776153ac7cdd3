"""Pages of notifications: the centre, marking read, the bell's count, the settings."""

from __future__ import annotations

from django.urls import path

from rapport.notifications import views

urlpatterns = [
    path("notifications", views.notification_centre, name="notifications"),
    path("notifications/badge", views.unread_badge, name="notification-badge"),
    path("notifications/read-all", views.mark_all_read, name="notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read",
        views.mark_one_read,
        name="notification-read",
    ),
    path("settings/notifications", views.notification_settings, name="settings-notifications"),
]
