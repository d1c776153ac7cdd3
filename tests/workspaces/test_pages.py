"""Pages: sign-in with throttling, sign-out, password reset end to end, setup, switching."""

from __future__ import annotations

import pytest
from django.test import Client

from rapport.core.models import AuditEntry, RateCounter
from rapport.workspaces.auth import SESSION_WORKSPACE_KEY
from rapport.workspaces.models import Membership, User, Workspace
from rapport.workspaces.services import add_member, request_password_reset
from tests.conftest import PASSWORD, make_member, owner_principal

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a fresh and long passphrase"


def _sign_in(client: Client, email: str, password: str = PASSWORD, ip: str = "10.0.0.1"):
    return client.post("/login", {"email": email, "password": password}, REMOTE_ADDR=ip)


def test_home_sends_anonymous_users_to_sign_in_and_members_to_contacts(workspace) -> None:
    client = Client()
    assert client.get("/")["Location"] == "/login"
    user, _ = make_member(workspace)
    _sign_in(client, user.email)
    assert client.get("/")["Location"] == "/contacts"


def test_sign_in_page_serves_css_and_a_csrf_protected_form(workspace) -> None:
    page = Client().get("/login")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/rapport/rapport.css">' in html
    assert 'name="csrfmiddlewaretoken"' in html and "<style" not in html and "<script" not in html
    css = Client().get("/static/rapport/rapport.css")
    assert (css.status_code, css["Content-Type"].split(";")[0]) == (200, "text/css")
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login", {"email": "a@example.com", "password": "x"}).status_code == 403


def test_wrong_password_keeps_the_email_and_shows_an_error(workspace) -> None:
    user, _ = make_member(workspace)
    response = _sign_in(Client(), user.email, "wrong password")
    html = response.content.decode()
    assert response.status_code == 400
    assert f'value="{user.email}"' in html
    assert "The email or password is not correct." in html and 'role="alert"' in html


def test_sign_in_and_out(workspace) -> None:
    user, _ = make_member(workspace)
    client = Client()
    assert _sign_in(client, user.email.upper())["Location"] == "/"
    assert client.get("/api/v1/me").json()["email"] == user.email
    assert client.get("/logout").status_code == 405
    assert client.post("/logout")["Location"] == "/login"
    assert client.get("/api/v1/me").status_code == 401


def test_repeated_failures_for_one_email_are_throttled_then_allowed(workspace, settings) -> None:
    settings.LOGIN_THROTTLE_FAILURES = 3
    user, _ = make_member(workspace)
    client = Client()
    for n in range(3):
        assert _sign_in(client, user.email, "wrong", ip=f"10.0.1.{n}").status_code == 400
    throttled = _sign_in(client, user.email, ip="10.0.1.9")  # the right password, even so
    assert throttled.status_code == 429
    assert 1 <= int(throttled["Retry-After"]) <= settings.LOGIN_THROTTLE_WINDOW_SECONDS
    assert "Too many failed sign-ins" in throttled.content.decode()
    assert "_auth_user_id" not in client.session
    RateCounter.objects.all().delete()  # the window ends
    assert _sign_in(client, user.email)["Location"] == "/"


def test_repeated_failures_from_one_address_are_throttled(workspace, settings) -> None:
    settings.LOGIN_THROTTLE_FAILURES = 2
    user, _ = make_member(workspace)
    for n in range(2):
        assert _sign_in(Client(), f"nobody{n}@example.com", "x", ip="10.9.9.9").status_code == 400
    assert _sign_in(Client(), user.email, ip="10.9.9.9").status_code == 429
    assert _sign_in(Client(), user.email, ip="10.9.9.8").status_code == 302


def test_a_success_resets_the_email_count(workspace, settings) -> None:
    settings.LOGIN_THROTTLE_FAILURES = 2
    user, _ = make_member(workspace)
    assert _sign_in(Client(), user.email, "wrong", ip="10.0.2.1").status_code == 400
    assert _sign_in(Client(), user.email, ip="10.0.2.2").status_code == 302
    assert _sign_in(Client(), user.email, "wrong", ip="10.0.2.3").status_code == 400
    assert _sign_in(Client(), user.email, ip="10.0.2.4").status_code == 302


def test_password_reset_end_to_end(
    workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks, settings
) -> None:
    settings.BASE_URL = "https://crm.example.com"
    user, _ = make_member(workspace)
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/password-reset", {"email": user.email.upper()})
    assert "a link to reset its password is on its way" in response.content.decode()
    (message,) = smtp_server.wait_for(1)
    assert (message["To"], message["Subject"]) == (user.email, "Reset your Rapport password")
    (link,) = smtp_server.links(message)
    path = link.removeprefix("https://crm.example.com")
    assert client.get(path).status_code == 200
    weak = client.post(path, {"password": "password"})
    assert weak.status_code == 400 and "too common" in weak.content.decode()
    assert client.post(path, {"password": NEW_PASSWORD})["Location"] == "/"
    assert client.get("/api/v1/me").json()["email"] == user.email
    assert User.objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert Client().get(path).status_code == 400  # the link worked once
    entry = AuditEntry.objects.get(action="reset_password", object_id=user.pk)
    assert (entry.workspace_id, entry.actor_user_id) == (workspace.pk, user.pk)


def test_password_reset_answers_the_same_for_unknown_emails(
    workspace, smtp_server, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    user, _ = make_member(workspace)
    with django_capture_on_commit_callbacks(execute=True):
        known = Client().post("/password-reset", {"email": user.email})
        unknown = Client().post("/password-reset", {"email": "nobody@example.com"})
    assert (known.status_code, unknown.status_code) == (200, 200)
    assert known.content.decode().replace(user.email, "X") == unknown.content.decode().replace(
        "nobody@example.com", "X"
    )
    assert [m["To"] for m in smtp_server.wait_for(2, timeout=0.5)] == [user.email]


def test_password_reset_requests_are_capped_per_user(workspace, django_capture_on_commit_callbacks):
    user, _ = make_member(workspace)
    with django_capture_on_commit_callbacks() as callbacks:
        for _ in range(7):
            request_password_reset(user.email)
    assert len(callbacks) == 5


def test_setup_creates_the_first_workspace_once(db) -> None:
    client = Client()
    assert Client().get("/")["Location"] == "/setup"
    data = {
        "workspace_name": "First Co",
        "full_name": "Founder",
        "email": "Founder@Example.com",
        "password": NEW_PASSWORD,
    }
    assert client.post("/setup", {**data, "password": "123"}).status_code == 400
    assert not Workspace.objects.exists()
    assert client.post("/setup", data)["Location"] == "/"
    seat = Membership.objects.get()
    assert (seat.workspace.name, seat.user.email, seat.role.key) == (
        "First Co",
        "founder@example.com",
        "owner",
    )
    assert client.get("/api/v1/me").json()["workspace"]["id"] == seat.workspace_id
    assert client.get("/setup").status_code == 404
    assert Client().post("/setup", {**data, "email": "x@example.com"}).status_code == 404
    assert User.objects.count() == 1


def test_switch_workspace_only_to_an_active_seat(workspace, other_workspace) -> None:
    user, _ = make_member(workspace)
    add_member(owner_principal(other_workspace), user, "read_only")
    stranger_workspace = Workspace.objects.create(name="Stranger", slug="stranger")
    client = Client()
    _sign_in(client, user.email)
    assert (
        client.post("/workspaces/switch", {"workspace_id": other_workspace.pk}).status_code == 302
    )
    assert client.session[SESSION_WORKSPACE_KEY] == other_workspace.pk
    assert client.get("/api/v1/me").json()["role"] == "read_only"
    denied = client.post("/workspaces/switch", {"workspace_id": stranger_workspace.pk})
    assert denied.status_code == 404
    assert client.session[SESSION_WORKSPACE_KEY] == other_workspace.pk
