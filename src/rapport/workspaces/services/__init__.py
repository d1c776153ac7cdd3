"""Every write about workspaces, members, invitations, roles, teams, tokens and passwords.

One function per kind of write, each in the module named after what it changes; they are
re-exported here so callers import from `rapport.workspaces.services`.
"""

from rapport.workspaces.services.custom_roles import create_role, delete_role, update_role
from rapport.workspaces.services.invitations import (
    accept_invitation,
    find_open_invitation,
    invite_user,
    revoke_invitation,
)
from rapport.workspaces.services.members import (
    change_member_role,
    deactivate_member,
    deactivate_user,
    reactivate_member,
    set_member_away,
)
from rapport.workspaces.services.passwords import (
    find_reset_user,
    request_password_reset,
    reset_password,
)
from rapport.workspaces.services.sign_in import check_sign_in
from rapport.workspaces.services.teams import (
    create_team,
    delete_team,
    rename_team,
    set_team_members,
)
from rapport.workspaces.services.tokens import create_api_token, revoke_api_token
from rapport.workspaces.services.workspace_profile import update_workspace
from rapport.workspaces.services.workspaces import (
    add_member,
    create_workspace,
    set_up_first_workspace,
)

__all__ = [
    "accept_invitation",
    "add_member",
    "change_member_role",
    "check_sign_in",
    "create_api_token",
    "create_role",
    "create_team",
    "create_workspace",
    "deactivate_member",
    "deactivate_user",
    "delete_role",
    "delete_team",
    "find_open_invitation",
    "find_reset_user",
    "invite_user",
    "reactivate_member",
    "rename_team",
    "request_password_reset",
    "reset_password",
    "revoke_api_token",
    "revoke_invitation",
    "set_member_away",
    "set_team_members",
    "set_up_first_workspace",
    "update_role",
    "update_workspace",
]
