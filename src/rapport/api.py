"""The REST API root, /api/v1: routers of every app, auth, and problem+json errors."""

from __future__ import annotations

from ninja import NinjaAPI

from rapport.core.problems import install_problem_handlers
from rapport.workspaces.auth import BearerTokenAuth, WorkspaceSessionAuth

api = NinjaAPI(
    title="Rapport API",
    version="1",
    description=(
        "The complete Rapport CRM API. Authenticate with `Authorization: Bearer <token>` "
        "(create a token under Settings → API tokens) or a signed-in session. Errors are "
        "RFC 9457 problem+json. Updates need `If-Match` with the record's ETag."
    ),
    auth=[BearerTokenAuth(), WorkspaceSessionAuth()],
    urls_namespace="api-v1",
)
install_problem_handlers(api)


def _mount() -> None:
    from importlib import import_module

    for app in (
        "workspaces",
        "tags",
        "customfields",
        "companies",
        "contacts",
        "activities",
        "deals",
        "leads",
        "forecasts",
        "savedviews",
        "emailtemplates",
        "search",
        "notifications",
        "automation",
        "currencies",
        "products",
        "territories",
        "quotes",
        "tickets",
        "dashboards",
        "commissions",
        "macros",
        "knowledge",
    ):
        try:
            module = import_module(f"rapport.{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"rapport.{app}.api":
                raise
            continue
        api.add_router(module.PREFIX, module.router)
    audit_api = import_module("rapport.audit_api")  # above the apps; see its docstring
    api.add_router(audit_api.PREFIX, audit_api.router)
    bin_api = import_module("rapport.restore_bin_api")  # above the apps, like audit_api
    api.add_router(bin_api.PREFIX, bin_api.router)


_mount()
