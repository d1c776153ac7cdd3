"""URL map: the API under /api/v1, pages from each app."""

from __future__ import annotations

from django.urls import include, path

from rapport import restore_bin_views
from rapport.api import api
from rapport.tickets.links import open_ticket_by_id

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("rapport.workspaces.urls")),
    path("", include("rapport.search.urls")),
    path("", include("rapport.activities.urls")),
    path("", include("rapport.contacts.urls")),
    path("", include("rapport.savedviews.urls")),
    path("", include("rapport.companies.urls")),
    path("", include("rapport.deals.urls")),
    path("", include("rapport.quotes.urls")),
    path("", include("rapport.tickets.urls")),
    path("tickets/id/<int:ticket_id>", open_ticket_by_id, name="ticket-by-id"),
    path("", include("rapport.knowledge.urls")),
    path("", include("rapport.leads.urls")),
    path("", include("rapport.forecasts.urls")),
    path("", include("rapport.dashboards.urls")),
    path("", include("rapport.commissions.urls")),
    path("", include("rapport.notifications.urls")),
    path("", include("rapport.automation.urls")),
    # Settings: workspaces' sections, then those living beside their own code.
    path("", include("rapport.workspaces.pages.urls")),
    path("", include("rapport.customfields.urls")),
    path("", include("rapport.tags.urls")),
    path("", include("rapport.emailtemplates.urls")),
    path("", include("rapport.macros.urls")),
    path("", include("rapport.products.urls")),
    path("", include("rapport.currencies.urls")),
    path("", include("rapport.territories.urls")),
    path("settings/restore-bin", restore_bin_views.bin_page, name="settings-restore-bin"),
    path(
        "settings/restore-bin/<str:object_type>/<int:record_id>/restore",
        restore_bin_views.restore,
        name="settings-restore",
    ),
    path(
        "settings/restore-bin/<str:object_type>/<int:record_id>/erase",
        restore_bin_views.erase,
        name="settings-erase",
    ),
]
