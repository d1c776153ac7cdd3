"""/api/v1 resources of the workspaces app: me, members, invitations, roles, teams, tokens."""

from __future__ import annotations

from ninja import Router

from rapport.workspaces.api import members, roles, teams, tokens

PREFIX = ""
router = Router()
router.add_router("", members.me_router)
router.add_router("/members", members.router)
router.add_router("/invitations", members.invitations_router)
router.add_router("/roles", roles.router)
router.add_router("/teams", teams.router)
router.add_router("/tokens", tokens.router)
