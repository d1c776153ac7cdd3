"""Built-in roles and the object types and actions a role can grant."""

from __future__ import annotations

from rapport.core.permissions import ACTIONS, SCOPES

# Object types a role grants rights on. Settings objects (user, team, role, custom_field, tag,
# saved_view, email_template, workflow, territory, audit, workspace) are usually granted to
# admins only.
# "saved_view" covers shared saved views; anyone who may view an object type keeps private views
# of it without a grant.
OBJECT_TYPES: tuple[str, ...] = (
    "contact",
    "company",
    "activity",
    "deal",
    "ticket",
    "article",
    "canned_response",
    "macro",
    "tag",
    "custom_field",
    "saved_view",
    "email_template",
    "workflow",
    "pipeline",
    "product",
    "exchange_rate",
    "forecast",
    "quota",
    "territory",
    "commission_plan",
    "commission_statement",
    "user",
    "team",
    "role",
    "audit",
    "workspace",
)
RECORD_TYPES = ("contact", "company", "activity", "deal", "ticket")
SETTINGS_TYPES = (
    "canned_response",
    "macro",
    "tag",
    "custom_field",
    "saved_view",
    "email_template",
    "workflow",
    "pipeline",
    "product",
    "exchange_rate",
    "forecast",
    "quota",
    "territory",
    "commission_plan",
    "user",
    "team",
    "role",
    "audit",
    "workspace",
)


def _grants(scope_by_action: dict[str, str], types: tuple[str, ...]) -> dict[str, dict[str, str]]:
    return {t: dict(scope_by_action) for t in types}


_ALL: dict[str, str] = {a: "all" for a in ACTIONS}
_READ_SETTINGS = {
    "tag": {"view": "all"},
    "custom_field": {"view": "all"},
    "email_template": {"view": "all"},
    "workflow": {"view": "all"},
    "user": {"view": "all"},
    "team": {"view": "all"},
    "role": {"view": "all"},
    "pipeline": {"view": "all"},
    "product": {"view": "all"},
    "exchange_rate": {"view": "all"},
    "forecast": {"view": "all"},
    "quota": {"view": "all"},
    "territory": {"view": "all"},
    # Everyone may read the shared canned responses and macros (and keep personal responses).
    "canned_response": {"view": "all"},
    "macro": {"view": "all"},
}
# Managers and marketers write the emails workflows send; deleting one is left to admins.
_WRITE_TEMPLATES = {"view": "all", "create": "all", "edit": "all"}
# Managers run the sales set-up: pipelines and their stages, the product catalogue, rates.
_SALES_SETUP = {
    "pipeline": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
    "product": {"view": "all", "create": "all", "edit": "all", "delete": "all", "import": "all"},
    "exchange_rate": {
        "view": "all",
        "create": "all",
        "edit": "all",
        "delete": "all",
        "import": "all",
    },
    # Managers set quotas and override their reps' commit in the forecast.
    "forecast": {"view": "all", "edit": "all"},
    "quota": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
    # Managers draw the territories that route leads and deals to their teams.
    "territory": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
    # Managers read the commission plans (admins write them) and approve their team's
    # statements; reopening an approved one (delete) is left to admins.
    "commission_plan": {"view": "all"},
    "commission_statement": {"view": "all", "edit": "team", "export": "all"},
}

# Knowledge base articles (and their categories): support agents and managers write them,
# admins delete them, everyone reads internal articles.
_WRITE_ARTICLES = {"view": "all", "create": "all", "edit": "all"}

BUILTIN_ROLES: dict[str, dict[str, object]] = {
    "owner": {"name": "Owner", "grants": _grants(_ALL, OBJECT_TYPES)},
    "admin": {"name": "Admin", "grants": _grants(_ALL, OBJECT_TYPES)},
    "manager": {
        "name": "Manager",
        "grants": {
            **_grants(
                {
                    "view": "all",
                    "create": "all",
                    "edit": "team",
                    "delete": "team",
                    "export": "all",
                    "import": "all",
                },
                RECORD_TYPES,
            ),
            **_READ_SETTINGS,
            "tag": {"view": "all", "create": "all", "edit": "all"},
            "saved_view": dict(_ALL),
            "email_template": dict(_WRITE_TEMPLATES),
            "workflow": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
            **_SALES_SETUP,
            "ticket": dict(_ALL),  # managers run support too
            "article": dict(_WRITE_ARTICLES),
            # Managers keep the team's shared canned responses and macros.
            "canned_response": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
            "macro": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
            "audit": {"view": "all"},
        },
    },
    "sales_rep": {
        "name": "Sales rep",
        "grants": {
            **_grants(
                {"view": "all", "create": "all", "edit": "own", "delete": "own", "export": "own"},
                RECORD_TYPES,
            ),
            **_READ_SETTINGS,
            "tag": {"view": "all", "create": "all"},
            "ticket": {"view": "all"},  # reps see their customers' tickets
            "article": {"view": "all"},
            # A rep sees and exports their own commission statements only.
            "commission_statement": {"view": "own", "export": "own"},
        },
    },
    "support_agent": {
        "name": "Support agent",
        "grants": {
            **_grants({"view": "all", "create": "all", "edit": "all"}, ("contact", "company")),
            "activity": {"view": "all", "create": "all", "edit": "own", "delete": "own"},
            "deal": {"view": "all"},
            "ticket": dict(_ALL),
            **_READ_SETTINGS,
            "article": dict(_WRITE_ARTICLES),
        },
    },
    "marketer": {
        "name": "Marketer",
        "grants": {
            **_grants(
                {"view": "all", "create": "all", "edit": "all", "export": "all", "import": "all"},
                ("contact", "company"),
            ),
            "activity": {"view": "all", "create": "all", "edit": "own"},
            "deal": {"view": "all"},
            "ticket": {"view": "all"},
            "article": {"view": "all"},
            **_READ_SETTINGS,
            "tag": {"view": "all", "create": "all", "edit": "all", "delete": "all"},
            "email_template": dict(_WRITE_TEMPLATES),
            "workflow": {"view": "all", "create": "all", "edit": "own", "delete": "own"},
        },
    },
    "read_only": {
        "name": "Read-only",
        "grants": {
            **_grants({"view": "all"}, RECORD_TYPES),
            **_READ_SETTINGS,
            "article": {"view": "all"},
        },
    },
}


def validate_grants(grants: object) -> list[str]:
    """Problems with a custom role's grants, as messages; empty when valid."""
    problems: list[str] = []
    if not isinstance(grants, dict):
        return ["grants must be an object of object type -> {action: scope}"]
    for object_type, actions in grants.items():
        if object_type not in OBJECT_TYPES:
            problems.append(f"unknown object type {object_type!r}")
            continue
        if not isinstance(actions, dict):
            problems.append(f"{object_type}: must map actions to scopes")
            continue
        for action, scope in actions.items():
            if action not in ACTIONS:
                problems.append(f"{object_type}: unknown action {action!r}")
            elif scope not in SCOPES:
                problems.append(f"{object_type}.{action}: scope must be one of {', '.join(SCOPES)}")
    return problems
