"""Settings pages of the workspaces app, under /settings."""

from __future__ import annotations

from django.urls import path

from rapport.workspaces.pages import audit, away, profile, roles, teams, tokens, users

urlpatterns = [
    path("settings", profile.settings_home, name="settings"),
    path("settings/workspace", profile.workspace_profile, name="settings-workspace"),
    path("settings/users", users.users_page, name="settings-users"),
    path("settings/users/invite", users.invite, name="settings-invite"),
    path("settings/users/<int:user_id>/role", users.change_role, name="settings-member-role"),
    path(
        "settings/users/<int:user_id>/deactivate",
        users.deactivate,
        name="settings-member-deactivate",
    ),
    path(
        "settings/users/<int:user_id>/reactivate",
        users.reactivate,
        name="settings-member-reactivate",
    ),
    path("settings/users/<int:user_id>/away", away.member_away, name="settings-member-away"),
    path("settings/away", away.my_away, name="settings-away"),
    path(
        "settings/invitations/<int:invitation_id>/revoke",
        users.revoke_invitation,
        name="settings-invitation-revoke",
    ),
    path("settings/roles", roles.role_list, name="settings-roles"),
    path("settings/roles/new", roles.role_new, name="settings-role-new"),
    path("settings/roles/<int:role_id>", roles.role_detail, name="settings-role"),
    path("settings/roles/<int:role_id>/delete", roles.role_delete, name="settings-role-delete"),
    path("settings/teams", teams.team_list, name="settings-teams"),
    path("settings/teams/<int:team_id>", teams.team_detail, name="settings-team"),
    path("settings/teams/<int:team_id>/delete", teams.team_delete, name="settings-team-delete"),
    path("settings/tokens", tokens.token_list, name="settings-tokens"),
    path(
        "settings/tokens/<int:token_id>/revoke", tokens.token_revoke, name="settings-token-revoke"
    ),
    path("settings/audit", audit.audit_log, name="settings-audit"),
]
