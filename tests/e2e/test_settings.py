"""Settings in a real browser: an admin invites someone, who accepts and signs in."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from rapport.workspaces.models import Membership
from tests.conftest import PASSWORD, make_member, make_workspace
from tests.e2e.conftest import screenshot, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_invite_a_user_who_then_signs_in(page, smtp_server, immediate_jobs) -> None:  # type: ignore[no-untyped-def]
    workspace = make_workspace("Northwind")
    admin, _ = make_member(workspace, "admin", email="ada@northwind.example.com")
    sign_in(page, admin.email, PASSWORD)
    page.goto("/settings/users")
    page.get_by_label("Email").fill("newbie@northwind.example.com")
    page.get_by_label("Role").select_option(label="Sales rep")
    page.get_by_role("button", name="Send invitation").click()
    page.get_by_role("cell", name="newbie@northwind.example.com").wait_for()
    screenshot(page, "settings-users")

    message = smtp_server.wait_for(1)[0]
    assert message["To"] == "newbie@northwind.example.com"
    link = next(url for url in smtp_server.links(message) if "/invitations/" in url)
    page.get_by_label("Your account").click()  # the user menu
    page.get_by_role("menuitem", name="Sign out").click()
    page.wait_for_url("**/login**")
    page.goto(urlparse(link).path)
    page.get_by_label("Your name").fill("Newbie Rep")
    page.get_by_label("Password").fill("a long enough new password")
    page.get_by_role("button", name="Join the workspace").click()
    page.wait_for_url(lambda url: "/invitations/" not in url)

    sign_in(page, "newbie@northwind.example.com", "a long enough new password")
    page.goto("/contacts")
    assert page.get_by_role("heading", name="Contacts", exact=True).is_visible()
    seat = Membership.objects.get(workspace=workspace, user__email="newbie@northwind.example.com")
    assert (seat.role.key, seat.is_active) == ("sales_rep", True)
    assert page.script_errors == []
