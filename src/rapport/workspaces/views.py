"""Pages: home, health check, sign-in and out, password reset, invitations, first-run setup.

Thin: a form parses the input, one service decides and writes, a template shows the result.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from rapport.core.errors import Conflict, Invalid, NotFound, RateLimited
from rapport.core.pages import add_service_errors
from rapport.workspaces import forms, services
from rapport.workspaces.auth import SESSION_WORKSPACE_KEY
from rapport.workspaces.models import User
from rapport.workspaces.queries import find_membership, has_any_workspace

BACKEND = "rapport.workspaces.auth.EmailBackend"


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("/setup" if not has_any_workspace() else "/login")
    return redirect("/contacts")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "/"


def _sign_in(request: HttpRequest, user: User) -> None:
    login(request, user, backend=BACKEND)  # rotates the session key


def _page(request: HttpRequest, template: str, status: int = 200, **context: Any) -> HttpResponse:
    return render(request, f"workspaces/{template}", context, status=status)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest) -> HttpResponse:
    form = forms.SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        address = request.META.get("REMOTE_ADDR", "")
        try:
            user = services.check_sign_in(
                form.cleaned_data["email"], form.cleaned_data["password"], address
            )
        except RateLimited as exc:
            form.add_error(None, exc.detail)
            response = _page(request, "sign_in.html", 429, form=form, next=_next_url(request))
            response["Retry-After"] = str(exc.retry_after)
            return response
        except Invalid as exc:
            form.add_error(None, exc.detail)
        else:
            _sign_in(request, user)
            return redirect(_next_url(request))
    status = 400 if form.errors else 200
    return _page(request, "sign_in.html", status, form=form, next=_next_url(request))


@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("/login")


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    form = forms.PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.request_password_reset(form.cleaned_data["email"])
        return _page(request, "password_reset_sent.html", email=form.cleaned_data["email"])
    return _page(request, "password_reset.html", 400 if form.errors else 200, form=form)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def password_reset_confirm(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    if services.find_reset_user(uidb64, token) is None:
        return _page(request, "password_reset_invalid.html", 400)
    form = forms.NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.reset_password(uidb64, token, form.cleaned_data["password"])
        except Invalid as exc:
            add_service_errors(form, exc)
        else:
            _sign_in(request, user)
            return redirect("/")
    return _page(request, "password_reset_confirm.html", 400 if form.errors else 200, form=form)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def accept_invitation(request: HttpRequest, token: str) -> HttpResponse:
    invitation = services.find_open_invitation(token)
    if invitation is None:
        return _page(request, "invitation_invalid.html", 404)
    form = forms.AcceptInvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.accept_invitation(token, data["full_name"], data["password"])
        except Invalid as exc:
            add_service_errors(form, exc)
        except (Conflict, NotFound) as exc:
            form.add_error(None, exc.detail)
        else:
            _sign_in(request, user)
            request.session[SESSION_WORKSPACE_KEY] = invitation.workspace_id
            return redirect("/")
    existing = User.objects.filter(email__iexact=invitation.email).exists()
    context = {"form": form, "invitation": invitation, "has_login": existing}
    return _page(request, "accept_invitation.html", 400 if form.errors else 200, **context)


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """First run only: create the first workspace and its owner; a 404 ever after."""
    if has_any_workspace():
        raise Http404("Rapport is already set up.")
    form = forms.SetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            workspace, user = services.set_up_first_workspace(
                data["workspace_name"], data["email"], data["full_name"], data["password"]
            )
        except Invalid as exc:
            add_service_errors(form, exc)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        else:
            _sign_in(request, user)
            request.session[SESSION_WORKSPACE_KEY] = workspace.pk
            return redirect("/")
    return _page(request, "setup.html", 400 if form.errors else 200, form=form)


@require_POST
def switch_workspace(request: HttpRequest) -> HttpResponse:
    """Make another workspace the session's current one, if the user has an active seat there."""
    if not request.user.is_authenticated:
        return redirect("/login")
    form = forms.SwitchWorkspaceForm(request.POST)
    if not form.is_valid():
        return HttpResponse("Choose a workspace.", status=400, content_type="text/plain")
    workspace_id = form.cleaned_data["workspace_id"]
    if find_membership(request.user.pk, workspace_id) is None:
        raise Http404("workspace not found")
    request.session[SESSION_WORKSPACE_KEY] = workspace_id
    return redirect(_next_url(request))
