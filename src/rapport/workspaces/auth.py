"""Authentication: email sign-in for pages, and bearer-token or session auth for the API."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth

from rapport.core import ratelimit
from rapport.core.errors import Forbidden, NotFound, RateLimited, Unauthenticated
from rapport.core.permissions import Principal
from rapport.workspaces.models import User
from rapport.workspaces.queries import principal_for, principal_for_token, workspaces_of

SESSION_WORKSPACE_KEY = "workspace_id"


class EmailBackend(ModelBackend):
    """Case-insensitive email sign-in; inactive users cannot sign in or keep a session."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        email = (username or kwargs.get("email") or "").strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _rate_limit(bucket: str) -> None:
    wait = ratelimit.hit(bucket, settings.API_RATE_LIMIT_PER_MINUTE, 60)
    if wait is not None:
        raise RateLimited("API rate limit exceeded for this token.", retry_after=wait)


class BearerTokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Principal:
        principal = principal_for_token(token, getattr(request, "request_id", ""))
        _rate_limit(f"token:{principal.token_id}")
        return principal


def session_principal(request: HttpRequest) -> Principal | None:
    """The principal of a signed-in page user in their current workspace, if any."""
    user = request.user
    if not user.is_authenticated or not isinstance(user, User):
        return None
    workspace_id = request.session.get(SESSION_WORKSPACE_KEY)
    if workspace_id is None:
        first = workspaces_of(user).first()
        if first is None:
            return None
        workspace_id = first.pk
    try:
        return principal_for(user, int(workspace_id), getattr(request, "request_id", ""))
    except NotFound:
        return None


class WorkspaceSessionAuth(SessionAuth):
    """Session auth (with ninja's CSRF check) that yields the Principal, not the user."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Principal | None:
        if not request.user.is_authenticated:
            return None
        principal = session_principal(request)
        if principal is None:
            raise Unauthenticated("You are not an active member of a workspace.")
        _rate_limit(f"user:{principal.user_id}")
        return principal


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pages for signed-in members: sets `request.principal`, or sends the visitor to sign in."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        principal = session_principal(request)
        if principal is None:
            request.session.pop(SESSION_WORKSPACE_KEY, None)
            raise Forbidden("You are not an active member of any workspace.")
        request.principal = principal  # type: ignore[attr-defined]
        return view(request, *args, **kwargs)

    return wrapper
