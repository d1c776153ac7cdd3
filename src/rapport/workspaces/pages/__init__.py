"""The admin Settings pages of the workspaces app: profile, users, roles, teams, tokens, audit.

Thin like every page: a form parses the input, one service of `rapport.workspaces.services`
decides and writes, a template under `templates/settings/` shows the result. Tags, custom fields
and the restore bin have their Settings pages beside their own code; `sections` holds the
sub-navigation they all share.
"""
