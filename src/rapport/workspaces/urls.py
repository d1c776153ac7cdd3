"""Pages: home, health check, sign-in and out, password reset, invitations, setup, switching."""

from __future__ import annotations

from django.urls import path

from rapport.workspaces import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login", views.sign_in, name="login"),
    path("logout", views.sign_out, name="logout"),
    path("password-reset", views.password_reset, name="password-reset"),
    path(
        "password-reset/<str:uidb64>/<str:token>",
        views.password_reset_confirm,
        name="password-reset-confirm",
    ),
    path("invitations/<str:token>", views.accept_invitation, name="accept-invitation"),
    path("setup", views.setup, name="setup"),
    path("workspaces/switch", views.switch_workspace, name="switch-workspace"),
]
